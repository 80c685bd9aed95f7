// pybind11 bindings of the LIF kernels (HostLif.hpp), part of snn_ipu._host:
// lif_forward and lif_backward.
//
// Arrays arrive as NumPy views of torch tensors (zero-copy). Every shape,
// dtype and contiguity is checked here, before any kernel runs, so the
// kernels only ever see ranges that exist. The outputs are allocated here
// (OutputArrays.hpp) and returned, so they always fit.
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
#include "ops/host/HostLif.hpp"
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

LifOptions makeOptions(unsigned resetMode, bool resetDelay, unsigned surrogate,
                       double a, double b) {
  checkResetMode(resetMode);
  checkSurrogate(surrogate);
  LifOptions o;
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

// A layer's inputs, checked, and what they point into: the parameters given
// as numbers. Without an initial membrane, memInit is null (the runners
// connect zeros). current is [T, N], or [1, N] with num_steps = T for a
// static input. Neither copied nor moved (the kernels point into it).
class CheckedLayer {
public:
  CheckedLayer(const py::array &current, const std::optional<py::array> &memInit,
               const py::object &decay, const py::object &threshold,
               const py::object &graded, std::optional<std::uint64_t> numSteps) {
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
    if (memInit) { // else null: the runners connect zeros
      checkVector(*memInit, st, N, false, "mem_init");
      in_.memInit = memInit->data();
    }
    decay_.assign(decay, st, N, "decay");
    threshold_.assign(threshold, st, N, "threshold");
    graded_.assign(graded, st, N, "graded");
    in_.params.decay = decay_.data();
    in_.params.decaySize = decay_.size();
    in_.params.threshold = threshold_.data();
    in_.params.thresholdSize = threshold_.size();
    in_.params.graded = graded_.data();
    in_.params.gradedSize = graded_.size();
  }
  CheckedLayer(const CheckedLayer &) = delete;
  CheckedLayer &operator=(const CheckedLayer &) = delete;

  const LifLayerInputs &inputs() const { return in_; }

private:
  LifLayerInputs in_;
  ParamArg decay_, threshold_, graded_;
};

// Returns (spikes [T, N], membrane record [T, N] or None, final membrane
// [N] in the state type), allocated here.
py::tuple lifForward(const py::array &current, const std::optional<py::array> &memInit,
                     const py::object &decay, const py::object &threshold,
                     const py::object &graded, bool recordMem, unsigned resetMode,
                     bool resetDelay, unsigned numThreads, bool debug,
                     std::uint64_t seed, std::optional<std::uint64_t> numSteps) {
  const CheckedLayer layer(current, memInit, decay, threshold, graded, numSteps);
  LifForwardArgs a;
  static_cast<LifLayerInputs &>(a) = layer.inputs();
  const LifOptions o = makeOptions(resetMode, resetDelay, 0, 0.0, 0.0);
  const HostRunOptions run = makeRun(numThreads, debug, seed);
  const std::uint64_t T = a.numSteps, N = a.numNeurons;
  py::array spikes = newOutputArray(a.type, {T, N});
  py::object mem = py::none();
  if (recordMem) {
    py::array record = newOutputArray(a.type, {T, N});
    a.mem = record.mutable_data();
    mem = std::move(record);
  }
  py::array memFinal = newOutputArray(stateTypeOf(a.type), {N});
  a.spikes = spikes.mutable_data();
  a.memFinal = memFinal.mutable_data();
  {
    py::gil_scoped_release release;
    hostLifForward(a, o, run);
  }
  return py::make_tuple(std::move(spikes), std::move(mem), std::move(memFinal));
}

// Returns the gradients (current's, initial membrane's, decay's, threshold's,
// graded factor's), allocated here; None for those not asked for
// (mem_init_grad, param_grads).
py::tuple lifBackward(const py::array &current, const std::optional<py::array> &memInit,
                      const py::object &decay, const py::object &threshold,
                      const py::object &graded,
                      const std::optional<py::array> &gradSpikes,
                      const std::optional<py::array> &gradMem,
                      const std::optional<py::array> &gradMemFinal, bool memInitGrad,
                      bool paramGrads, unsigned resetMode, bool resetDelay,
                      unsigned surrogate, double surrogateA, double surrogateB,
                      unsigned numThreads, bool debug, std::uint64_t seed,
                      std::optional<std::uint64_t> numSteps,
                      const std::optional<py::array> &linearGrad,
                      const std::optional<py::array> &linearWeight) {
  const CheckedLayer layer(current, memInit, decay, threshold, graded, numSteps);
  LifBackwardArgs a;
  static_cast<LifLayerInputs &>(a) = layer.inputs();
  const ElementType type = a.type, st = stateTypeOf(type);
  const std::uint64_t T = a.numSteps, N = a.numNeurons;
  if (gradSpikes)
    checkLayer(*gradSpikes, type, T, N, "grad_spikes");
  if (linearGrad.has_value() != linearWeight.has_value())
    throw py::value_error("linear_grad, linear_weight: give both or neither");
  if (linearGrad) {
    checkLinearUpstream(*linearGrad, *linearWeight, type, T, N, gradSpikes.has_value());
    a.linearGrad = linearGrad->data();
    a.linearWeight = linearWeight->data();
    a.linearOut = std::uint64_t(linearWeight->shape(0));
    a.linearIn = std::uint64_t(linearWeight->shape(1));
  }
  if (gradMem)
    checkLayer(*gradMem, type, T, N, "grad_mem");
  if (gradMemFinal)
    checkVector(*gradMemFinal, st, N, false, "grad_mem_final");
  const LifOptions o =
      makeOptions(resetMode, resetDelay, surrogate, surrogateA, surrogateB);
  const HostRunOptions run = makeRun(numThreads, debug, seed);

  a.gradSpikes = gradSpikes ? gradSpikes->data() : nullptr;
  a.gradMem = gradMem ? gradMem->data() : nullptr;
  a.gradMemFinal = gradMemFinal ? gradMemFinal->data() : nullptr;
  py::array gradCurrent = newOutputArray(type, {a.constantCurrent ? 1 : T, N});
  a.gradCurrent = gradCurrent.mutable_data();
  py::object gradMemInit = py::none(); // a.gradMemInit null: not wanted
  if (memInitGrad) {
    py::array grad = newOutputArray(st, {N});
    a.gradMemInit = grad.mutable_data();
    gradMemInit = std::move(grad);
  }
  py::object gradParams[3] = {py::none(), py::none(), py::none()};
  if (paramGrads) {
    void **targets[3] = {&a.gradDecay, &a.gradThreshold, &a.gradGraded};
    for (int i = 0; i < 3; ++i) {
      py::array grad = newOutputArray(st, {N});
      *targets[i] = grad.mutable_data();
      gradParams[i] = std::move(grad);
    }
  }
  {
    py::gil_scoped_release release;
    hostLifBackward(a, o, run);
  }
  return py::make_tuple(std::move(gradCurrent), std::move(gradMemInit),
                        std::move(gradParams[0]), std::move(gradParams[1]),
                        std::move(gradParams[2]));
}

} // namespace

void bindLif(py::module_ &m) {
  m.def("lif_forward", &lifForward, py::arg("current"), py::arg("mem_init").none(true),
        py::arg("decay"), py::arg("threshold"), py::arg("graded"),
        py::arg("record_mem"), py::arg("reset_mode"), py::arg("reset_delay"),
        py::arg("num_threads") = 1, py::arg("debug") = false,
        py::arg("seed") = 0, py::arg("num_steps") = py::none(),
        "Run LifForward over a [T, N] layer; returns (spikes, membrane record "
        "or None without record_mem, final membrane). mem_init None starts "
        "from zeros; decay, threshold and graded are numbers or 1-D arrays of "
        "1 or N values. With num_steps, current is one [1, N] row used at "
        "every step (static input).");
  m.def("lif_backward", &lifBackward, py::arg("current"), py::arg("mem_init").none(true),
        py::arg("decay"), py::arg("threshold"), py::arg("graded"),
        py::arg("grad_spikes").none(true), py::arg("grad_mem").none(true),
        py::arg("grad_mem_final").none(true), py::arg("mem_init_grad"),
        py::arg("param_grads"), py::arg("reset_mode"), py::arg("reset_delay"),
        py::arg("surrogate"), py::arg("surrogate_a"), py::arg("surrogate_b"),
        py::arg("num_threads") = 1, py::arg("debug") = false,
        py::arg("seed") = 0, py::arg("num_steps") = py::none(),
        py::arg("linear_grad") = py::none(), py::arg("linear_weight") = py::none(),
        "Run LifBackward over a [T, N] layer; returns the gradients of (current, "
        "mem_init, decay, threshold, graded), per neuron, with None for the "
        "initial membrane's unless mem_init_grad and for the parameters' "
        "unless param_grads. With num_steps, current and its gradient are "
        "[1, N]: a static input and its gradient summed over steps. "
        "linear_grad [T*B, K] and linear_weight [K, in] (float32, N = B*in) "
        "give the spikes' upstream gradient as that of a Linear layer they "
        "feed, instead of grad_spikes.");
}

} // namespace snn_ipu
