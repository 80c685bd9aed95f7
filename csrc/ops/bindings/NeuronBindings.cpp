// pybind11 bindings of the neuron kernels (HostNeuron.hpp), part of
// snn_ipu._host: neuron_forward and neuron_backward, for every model.
//
// Arrays arrive as NumPy views of torch tensors (zero-copy). Every shape,
// dtype and contiguity is checked here, before any kernel runs, so the
// kernels only ever see ranges that exist. The outputs are allocated here
// (OutputArrays.hpp) and returned, so they always fit. A model's states and
// parameters come as lists in the order of its codelet header.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "codelets/LifTypes.hpp"
#include "ops/bindings/BindingHelpers.hpp"
#include "ops/bindings/Bindings.hpp"
#include "ops/bindings/OutputArrays.hpp"
#include "ops/host/HostNeuron.hpp"
#include "ops/host/IsaLevels.hpp"
#include "ops/plan/ElementType.hpp"

namespace py = pybind11;

namespace snn_ipu {

namespace {

ElementType elementTypeOf(const py::array &a, const char *name) {
  const auto dt = a.dtype();
  if (dt.kind() == 'f') {
    // The kernels read elements in this machine's byte order ('<' or '>'
    // when that is this machine's order is normalised to '=').
    if (dt.byteorder() != '=')
      throw py::type_error(std::string(name) +
                           ": expected elements in this machine's byte order");
    switch (dt.itemsize()) {
    case 2:
      return ElementType::Half;
    case 4:
      return ElementType::Float;
    case 8:
      return ElementType::Double;
    }
  }
  throw py::type_error(std::string(name) +
                       ": expected float16, float32 or float64 elements, got " +
                       std::string(py::str(dt)));
}

// C-contiguous, and each element at an address that is a multiple of its
// size (a view of a buffer at an odd offset is not).
void requireContiguousAligned(const py::array &a, const char *name) {
  if (!(a.flags() & py::array::c_style))
    throw py::value_error(std::string(name) + ": expected a C-contiguous array");
  if (reinterpret_cast<std::uintptr_t>(a.data()) % std::uintptr_t(a.itemsize()) != 0)
    throw py::value_error(std::string(name) + ": expected an aligned array");
}

void requireType(const py::array &a, ElementType type, const char *name) {
  if (elementTypeOf(a, name) != type)
    throw py::type_error(std::string(name) + ": expected " +
                         elementTypeName(type) + " elements");
}

ElementType stateTypeOf(ElementType type) {
  return type == ElementType::Double ? ElementType::Double : ElementType::Float;
}

// A [T, N] array of the layer's element type.
void checkLayer(const py::array &a, ElementType type, std::uint64_t T,
                std::uint64_t N, const char *name) {
  requireType(a, type, name);
  requireContiguousAligned(a, name);
  if (a.ndim() != 2 || std::uint64_t(a.shape(0)) != T ||
      std::uint64_t(a.shape(1)) != N) {
    std::ostringstream msg;
    msg << name << ": expected shape (" << T << ", " << N << ")";
    throw py::value_error(msg.str());
  }
}

// A 1-D array of the state type with `size` elements (or 1 or N for params).
void checkVector(const py::array &a, ElementType stateType, std::uint64_t N,
                 bool allowScalar, const char *name) {
  requireType(a, stateType, name);
  requireContiguousAligned(a, name);
  const bool sizeOk =
      a.ndim() == 1 && (std::uint64_t(a.shape(0)) == N ||
                        (allowScalar && a.shape(0) == 1));
  if (!sizeOk) {
    std::ostringstream msg;
    msg << name << ": expected a 1-D array of " << N
        << (allowScalar ? " or 1" : "") << " elements";
    throw py::value_error(msg.str());
  }
}

// The Linear layer the spikes feed, as the upstream gradient of the spikes:
// its output gradient [T * B, K] and weight [K, in], with N = B * in.
void checkLinearUpstream(const py::array &grad, const py::array &weight,
                         ElementType type, std::uint64_t T, std::uint64_t N,
                         bool withGradSpikes) {
  if (withGradSpikes)
    throw py::value_error("grad_spikes, linear_grad: give one upstream gradient "
                          "of the spikes, not both");
  if (type != ElementType::Float)
    throw py::type_error("linear_grad: the upstream gradient through a Linear "
                         "layer is supported for float32 layers only");
  requireType(grad, type, "linear_grad");
  requireContiguousAligned(grad, "linear_grad");
  requireType(weight, type, "linear_weight");
  requireContiguousAligned(weight, "linear_weight");
  if (weight.ndim() != 2 || weight.shape(0) < 1 || weight.shape(1) < 1 ||
      N % std::uint64_t(weight.shape(1)) != 0)
    throw py::value_error("linear_weight: expected a [K, in] array with K >= 1 "
                          "and in dividing the layer's N");
  const std::uint64_t K = std::uint64_t(weight.shape(0));
  const std::uint64_t batch = N / std::uint64_t(weight.shape(1));
  // rows / batch == T, not rows == T * batch, which could wrap.
  if (grad.ndim() != 2 || std::uint64_t(grad.shape(0)) % batch != 0 ||
      std::uint64_t(grad.shape(0)) / batch != T || std::uint64_t(grad.shape(1)) != K) {
    std::ostringstream msg;
    msg << "linear_grad: expected shape (" << T * batch << ", " << K
        << ") (steps x batch, outputs)";
    throw py::value_error(msg.str());
  }
}

NeuronOptions makeOptions(unsigned model, unsigned resetMode, bool resetDelay,
                          unsigned surrogate, double a, double b) {
  checkModel(model);
  checkResetMode(resetMode);
  checkSurrogate(surrogate);
  if (!resetDelay && !modelShape(model).hasResetDelay)
    throw py::value_error("reset_delay: this neuron model has no reset_delay=False");
  NeuronOptions o;
  o.model = model;
  o.resetMode = resetMode;
  o.resetDelay = resetDelay;
  o.surrogate = surrogate;
  o.surrogateA = a;
  o.surrogateB = b;
  return o;
}

// A number rounded to float32 as IEEE round-to-nearest does, as
// torch.tensor(value, dtype=torch.float32) would: a finite double
// beyond float32's range is FLT_MAX up to half an ulp above it and infinite
// past that (a plain cast of it would be undefined behaviour).
float roundToFloat(double value) {
  constexpr double kMax = std::numeric_limits<float>::max();
  constexpr double kRoundsToInfinity = 0x1.ffffffp127; // FLT_MAX + ulp / 2
  if (std::isfinite(value) && std::fabs(value) > kMax)
    return static_cast<float>(std::copysign(
        std::fabs(value) >= kRoundsToInfinity ? HUGE_VAL : kMax, value));
  return static_cast<float>(value);
}

bool isNumber(const py::handle &value) {
  return PyFloat_Check(value.ptr()) ||
         (PyLong_Check(value.ptr()) && !PyBool_Check(value.ptr()));
}

// A parameter as the kernels read it: a 1-D array of 1 or N state-type
// values, or a Python number, held here in the state type (one value for all
// neurons). The kernels point into it: it is neither copied nor moved.
class ParamArg {
public:
  ParamArg() = default;
  ParamArg(const ParamArg &) = delete;
  ParamArg &operator=(const ParamArg &) = delete;

  void assign(const py::object &value, ElementType stateType, std::uint64_t N,
              const char *name) {
    if (py::isinstance<py::array>(value)) {
      array_ = py::reinterpret_borrow<py::array>(value);
      checkVector(array_, stateType, N, true, name);
      data_ = array_.data();
      size_ = std::uint64_t(array_.shape(0));
    } else if (isNumber(value)) {
      // Converted to double first (an int beyond 2^53 is rounded twice).
      const double number = PyFloat_AsDouble(value.ptr());
      if (number == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        throw py::value_error(std::string(name) +
                              ": the number does not fit in a float64");
      }
      if (stateType == ElementType::Double) {
        double_ = number;
        data_ = &double_;
      } else {
        float_ = roundToFloat(number);
        data_ = &float_;
      }
      size_ = 1;
    } else {
      throw py::type_error(std::string(name) +
                           ": expected a number or a 1-D array");
    }
  }
  const void *data() const { return data_; }
  std::uint64_t size() const { return size_; }

private:
  py::array array_;
  double double_ = 0;
  float float_ = 0;
  const void *data_ = nullptr;
  std::uint64_t size_ = 1;
};

using OptionalArrays = std::optional<std::vector<std::optional<py::array>>>;

// "name[i]" for the messages about one entry of a list argument.
std::string entry(const char *name, std::size_t i) {
  return std::string(name) + "[" + std::to_string(i) + "]";
}

void checkCount(std::size_t count, unsigned expected, const char *name) {
  if (count != expected)
    throw py::value_error(std::string(name) + ": expected " +
                          std::to_string(expected) + " entries for this model, got " +
                          std::to_string(count));
}

// A layer's inputs, checked, and what they point into: the parameters given
// as numbers. Absent initial states are null (the runners connect zeros).
// current is [T, N], or [1, N] with num_steps = T for a static input.
// Neither copied nor moved (the kernels point into it).
class CheckedLayer {
public:
  CheckedLayer(unsigned model, const py::array &current, const OptionalArrays &stateInit,
               const std::vector<py::object> &params,
               std::optional<std::uint64_t> numSteps) {
    checkModel(model);
    const ModelShape shape = modelShape(model);
    in_.type = elementTypeOf(current, "current");
    if (current.ndim() != 2)
      throw py::value_error("current: expected a 2-D [T, N] array");
    in_.numSteps = std::uint64_t(current.shape(0));
    in_.numNeurons = std::uint64_t(current.shape(1));
    if (numSteps) {
      if (in_.numSteps != 1)
        throw py::value_error(
            "current: with num_steps (a static input), expected shape (1, N)");
      in_.numSteps = *numSteps;
      in_.constantCurrent = true;
    }
    if (in_.numSteps == 0 || in_.numNeurons == 0)
      throw py::value_error("current: expected T >= 1 and N >= 1");
    const ElementType st = stateTypeOf(in_.type);
    const std::uint64_t N = in_.numNeurons;
    checkLayer(current, in_.type, in_.constantCurrent ? 1 : in_.numSteps, N,
               "current");
    in_.current = current.data();
    if (stateInit) { // else all null: the runners connect zeros
      checkCount(stateInit->size(), shape.states, "state_init");
      for (std::size_t k = 0; k < stateInit->size(); ++k) {
        const auto &init = (*stateInit)[k];
        if (!init)
          continue;
        const std::string name = entry("state_init", k);
        checkVector(*init, st, N, false, name.c_str());
        in_.stateInit[k] = init->data();
      }
    }
    checkCount(params.size(), shape.params, "params");
    for (std::size_t i = 0; i < params.size(); ++i) {
      const std::string name = entry("params", i);
      params_[i].assign(params[i], st, N, name.c_str());
      in_.params[i] = params_[i].data();
      in_.paramSize[i] = params_[i].size();
    }
  }
  CheckedLayer(const CheckedLayer &) = delete;
  CheckedLayer &operator=(const CheckedLayer &) = delete;

  const NeuronLayerInputs &inputs() const { return in_; }

private:
  NeuronLayerInputs in_;
  ParamArg params_[kMaxParams];
};

py::list arrayList(std::vector<py::array> &arrays) {
  py::list list;
  for (py::array &array : arrays)
    list.append(std::move(array));
  return list;
}

// Returns (spikes [T, N], the recorded states' [T, N] records or None
// without record_states, the final states [N] in the state type), allocated
// here.
py::tuple neuronForward(unsigned model, const py::array &current,
                        const OptionalArrays &stateInit,
                        const std::vector<py::object> &params, bool recordStates,
                        unsigned resetMode, bool resetDelay, unsigned numThreads,
                        bool debug, std::uint64_t seed,
                        std::optional<std::uint64_t> numSteps) {
  const CheckedLayer layer(model, current, stateInit, params, numSteps);
  NeuronForwardArgs a;
  static_cast<NeuronLayerInputs &>(a) = layer.inputs();
  const NeuronOptions o = makeOptions(model, resetMode, resetDelay, 0, 0.0, 0.0);
  const HostRunOptions run = makeRun(numThreads, debug, seed);
  const ModelShape shape = modelShape(model);
  const std::uint64_t T = a.numSteps, N = a.numNeurons;
  py::array spikes = newOutputArray(a.type, {T, N});
  a.spikes = spikes.mutable_data();
  std::vector<py::array> records, finals;
  if (recordStates)
    for (unsigned r = 0; r < shape.recorded; ++r) {
      records.push_back(newOutputArray(a.type, {T, N}));
      a.records[r] = records.back().mutable_data();
    }
  for (unsigned k = 0; k < shape.states; ++k) {
    finals.push_back(newOutputArray(stateTypeOf(a.type), {N}));
    a.stateFinal[k] = finals.back().mutable_data();
  }
  {
    py::gil_scoped_release release;
    kernels(a.type).hostNeuronForward(a, o, run);
  }
  py::object recordList = py::none();
  if (recordStates)
    recordList = arrayList(records);
  return py::make_tuple(std::move(spikes), std::move(recordList), arrayList(finals));
}

// Returns the gradients (the current's, the initial states' as a list with
// None for those not asked for in state_init_grads, the parameters' per
// neuron as a list, or None unless param_grads), allocated here.
py::tuple neuronBackward(unsigned model, const py::array &current,
                         const OptionalArrays &stateInit,
                         const std::vector<py::object> &params,
                         const std::optional<py::array> &gradSpikes,
                         const OptionalArrays &gradRecords,
                         const OptionalArrays &gradStateFinal,
                         const std::vector<bool> &stateInitGrads, bool paramGrads,
                         unsigned resetMode, bool resetDelay, unsigned surrogate,
                         double surrogateA, double surrogateB, unsigned numThreads,
                         bool debug, std::uint64_t seed,
                         std::optional<std::uint64_t> numSteps,
                         const std::optional<py::array> &linearGrad,
                         const std::optional<py::array> &linearWeight) {
  const CheckedLayer layer(model, current, stateInit, params, numSteps);
  NeuronBackwardArgs a;
  static_cast<NeuronLayerInputs &>(a) = layer.inputs();
  const ModelShape shape = modelShape(model);
  const ElementType type = a.type, st = stateTypeOf(type);
  const std::uint64_t T = a.numSteps, N = a.numNeurons;
  if (gradSpikes)
    checkLayer(*gradSpikes, type, T, N, "grad_spikes");
  if (linearGrad.has_value() != linearWeight.has_value())
    throw py::value_error("linear_grad, linear_weight: give both or neither");
  if (linearGrad) {
    if (model != kModelLeaky)
      throw py::value_error("linear_grad: the upstream gradient through a Linear "
                            "layer is supported for Leaky layers only");
    checkLinearUpstream(*linearGrad, *linearWeight, type, T, N, gradSpikes.has_value());
    a.linearGrad = linearGrad->data();
    a.linearWeight = linearWeight->data();
    a.linearOut = std::uint64_t(linearWeight->shape(0));
    a.linearIn = std::uint64_t(linearWeight->shape(1));
  }
  if (gradRecords) {
    checkCount(gradRecords->size(), shape.recorded, "grad_records");
    for (std::size_t r = 0; r < gradRecords->size(); ++r)
      if (const auto &grad = (*gradRecords)[r]) {
        const std::string name = entry("grad_records", r);
        checkLayer(*grad, type, T, N, name.c_str());
        a.gradRecords[r] = grad->data();
      }
  }
  if (gradStateFinal) {
    checkCount(gradStateFinal->size(), shape.states, "grad_state_final");
    for (std::size_t k = 0; k < gradStateFinal->size(); ++k)
      if (const auto &grad = (*gradStateFinal)[k]) {
        const std::string name = entry("grad_state_final", k);
        checkVector(*grad, st, N, false, name.c_str());
        a.gradStateFinal[k] = grad->data();
      }
  }
  checkCount(stateInitGrads.size(), shape.states, "state_init_grads");
  const NeuronOptions o =
      makeOptions(model, resetMode, resetDelay, surrogate, surrogateA, surrogateB);
  const HostRunOptions run = makeRun(numThreads, debug, seed);

  a.gradSpikes = gradSpikes ? gradSpikes->data() : nullptr;
  py::array gradCurrent = newOutputArray(type, {a.constantCurrent ? 1 : T, N});
  a.gradCurrent = gradCurrent.mutable_data();
  py::list gradInit; // None where not wanted (a.gradStateInit null)
  for (unsigned k = 0; k < shape.states; ++k) {
    if (!stateInitGrads[k]) {
      gradInit.append(py::none());
      continue;
    }
    py::array grad = newOutputArray(st, {N});
    a.gradStateInit[k] = grad.mutable_data();
    gradInit.append(std::move(grad));
  }
  py::object gradParams = py::none();
  if (paramGrads) {
    std::vector<py::array> grads;
    for (unsigned i = 0; i < shape.params; ++i) {
      grads.push_back(newOutputArray(st, {N}));
      a.gradParams[i] = grads.back().mutable_data();
    }
    gradParams = arrayList(grads);
  }
  {
    py::gil_scoped_release release;
    kernels(a.type).hostNeuronBackward(a, o, run);
  }
  return py::make_tuple(std::move(gradCurrent), std::move(gradInit),
                        std::move(gradParams));
}

} // namespace

void bindNeurons(py::module_ &m) {
  m.def("neuron_forward", &neuronForward, py::arg("model"), py::arg("current"),
        py::arg("state_init").none(true), py::arg("params"),
        py::arg("record_states"), py::arg("reset_mode"), py::arg("reset_delay"),
        py::arg("num_threads") = 1, py::arg("debug") = false,
        py::arg("seed") = 0, py::arg("num_steps") = py::none(),
        "Run NeuronForward of neuron model `model` over a [T, N] layer; "
        "returns (spikes, the recorded states' records or None without "
        "record_states, the final states). state_init is None (zeros) or a "
        "list with an array or None per state; params a list with a number or "
        "a 1-D array of 1 or N values per parameter, in the model's order. "
        "With num_steps, current is one [1, N] row used at every step (static "
        "input).");
  m.def("neuron_backward", &neuronBackward, py::arg("model"), py::arg("current"),
        py::arg("state_init").none(true), py::arg("params"),
        py::arg("grad_spikes").none(true), py::arg("grad_records").none(true),
        py::arg("grad_state_final").none(true), py::arg("state_init_grads"),
        py::arg("param_grads"), py::arg("reset_mode"), py::arg("reset_delay"),
        py::arg("surrogate"), py::arg("surrogate_a"), py::arg("surrogate_b"),
        py::arg("num_threads") = 1, py::arg("debug") = false,
        py::arg("seed") = 0, py::arg("num_steps") = py::none(),
        py::arg("linear_grad") = py::none(), py::arg("linear_weight") = py::none(),
        "Run NeuronBackward of neuron model `model` over a [T, N] layer; "
        "returns (the current's gradient, the initial states' gradients with "
        "None where state_init_grads says not wanted, the parameters' per "
        "neuron or None unless param_grads). Upstream gradients: grad_spikes, "
        "grad_records (None or a list with an array or None per recorded "
        "state), grad_state_final (likewise per state). With num_steps, current "
        "and its gradient are [1, N]: a static input and its gradient summed "
        "over steps. linear_grad [T*B, K] and linear_weight [K, in] (float32 "
        "Leaky, N = B*in) give the spikes' upstream gradient as that of a "
        "Linear layer they feed, instead of grad_spikes.");
}

} // namespace snn_ipu
