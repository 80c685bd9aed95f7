// pybind11 bindings of the host backend, snn_ipu._host: the module and the
// LIF kernels (the plan, the runtime and the cost model bind themselves in
// PlanBindings.cpp, RuntimeBindings.cpp and CycleBindings.cpp).
//
// Arrays arrive as NumPy views of torch tensors (zero-copy). Every shape,
// dtype, contiguity and writability is checked here, before any kernel runs,
// so the kernels only ever see ranges that exist.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <sstream>
#include <string>

#include "../codelets/LifTypes.hpp"
#include "BindingHelpers.hpp"
#include "HostLif.hpp"
#include "LifPlan.hpp"

namespace py = pybind11;
using namespace snn_ipu;

namespace snn_ipu {
void bindLifCycles(py::module_ &m); // CycleBindings.cpp
void bindPlan(py::module_ &m);      // PlanBindings.cpp
void bindRuntime(py::module_ &m);   // RuntimeBindings.cpp
}

namespace {

ElementType elementTypeOf(const py::array &a, const char *name) {
  const auto dt = a.dtype();
  if (dt.kind() == 'f') {
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

void requireContiguous(const py::array &a, const char *name) {
  if (!(a.flags() & py::array::c_style))
    throw py::value_error(std::string(name) + ": expected a C-contiguous array");
}

void requireWritable(const py::array &a, const char *name) {
  if (!a.writeable())
    throw py::value_error(std::string(name) + ": expected a writable array");
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
                std::uint64_t N, const char *name, bool writable) {
  requireType(a, type, name);
  requireContiguous(a, name);
  if (a.ndim() != 2 || std::uint64_t(a.shape(0)) != T ||
      std::uint64_t(a.shape(1)) != N) {
    std::ostringstream msg;
    msg << name << ": expected shape (" << T << ", " << N << ")";
    throw py::value_error(msg.str());
  }
  if (writable)
    requireWritable(a, name);
}

// A 1-D array of the state type with `size` elements (or 1 or N for params).
void checkVector(const py::array &a, ElementType stateType, std::uint64_t N,
                 bool allowScalar, const char *name, bool writable) {
  requireType(a, stateType, name);
  requireContiguous(a, name);
  const bool sizeOk =
      a.ndim() == 1 && (std::uint64_t(a.shape(0)) == N ||
                        (allowScalar && a.shape(0) == 1));
  if (!sizeOk) {
    std::ostringstream msg;
    msg << name << ": expected a 1-D array of " << N
        << (allowScalar ? " or 1" : "") << " elements";
    throw py::value_error(msg.str());
  }
  if (writable)
    requireWritable(a, name);
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
  requireContiguous(grad, "linear_grad");
  requireType(weight, type, "linear_weight");
  requireContiguous(weight, "linear_weight");
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
  if (resetMode >= kNumResetModes)
    throw py::value_error("reset_mode: expected 0 (subtract), 1 (zero) or 2 (none)");
  if (surrogate >= kNumSurrogates)
    throw py::value_error("surrogate: expected an id in [0, 8)");
  LifOptions o;
  o.resetMode = resetMode;
  o.resetDelay = resetDelay;
  o.surrogate = surrogate;
  o.surrogateA = a;
  o.surrogateB = b;
  return o;
}

LifParamsView paramsView(const py::array &decay, const py::array &threshold,
                         const py::array &graded, ElementType stateType,
                         std::uint64_t N) {
  checkVector(decay, stateType, N, true, "decay", false);
  checkVector(threshold, stateType, N, true, "threshold", false);
  checkVector(graded, stateType, N, true, "graded", false);
  LifParamsView p;
  p.decay = decay.data();
  p.decaySize = decay.shape(0);
  p.threshold = threshold.data();
  p.thresholdSize = threshold.shape(0);
  p.graded = graded.data();
  p.gradedSize = graded.shape(0);
  return p;
}

// Checks the layer's input arrays and describes them. current is [T, N], or
// [1, N] with num_steps = T for a static input.
LifLayerInputs layerInputs(const py::array &current, const py::array &memInit,
                           const py::array &decay, const py::array &threshold,
                           const py::array &graded,
                           std::optional<std::uint64_t> numSteps) {
  LifLayerInputs in;
  in.type = elementTypeOf(current, "current");
  if (current.ndim() != 2)
    throw py::value_error("current: expected a 2-D [T, N] array");
  in.numSteps = std::uint64_t(current.shape(0));
  in.numNeurons = std::uint64_t(current.shape(1));
  if (numSteps) {
    if (in.numSteps != 1)
      throw py::value_error(
          "current: with num_steps (a static input), expected shape (1, N)");
    in.numSteps = *numSteps;
    in.constantCurrent = true;
  }
  if (in.numSteps == 0 || in.numNeurons == 0)
    throw py::value_error("current: expected T >= 1 and N >= 1");
  const ElementType st = stateTypeOf(in.type);
  checkLayer(current, in.type, in.constantCurrent ? 1 : in.numSteps, in.numNeurons,
             "current", false);
  checkVector(memInit, st, in.numNeurons, false, "mem_init", false);
  in.current = current.data();
  in.memInit = memInit.data();
  in.params = paramsView(decay, threshold, graded, st, in.numNeurons);
  return in;
}

void lifForward(py::array current, py::array memInit, py::array decay,
                py::array threshold, py::array graded, py::array spikes,
                std::optional<py::array> mem, py::array memFinal,
                unsigned resetMode, bool resetDelay, unsigned numThreads,
                bool debug, std::uint64_t seed,
                std::optional<std::uint64_t> numSteps) {
  LifForwardArgs a;
  static_cast<LifLayerInputs &>(a) =
      layerInputs(current, memInit, decay, threshold, graded, numSteps);
  const ElementType type = a.type, st = stateTypeOf(type);
  const std::uint64_t T = a.numSteps, N = a.numNeurons;
  checkLayer(spikes, type, T, N, "spikes", true);
  if (mem)
    checkLayer(*mem, type, T, N, "mem", true);
  checkVector(memFinal, st, N, false, "mem_final", true);
  a.spikes = spikes.mutable_data();
  a.mem = mem ? mem->mutable_data() : nullptr;
  a.memFinal = memFinal.mutable_data();
  const LifOptions o = makeOptions(resetMode, resetDelay, 0, 0.0, 0.0);
  const HostRunOptions run = makeRun(numThreads, debug, seed);
  py::gil_scoped_release release;
  hostLifForward(a, o, run);
}

void lifBackward(py::array current, py::array memInit, py::array decay,
                 py::array threshold, py::array graded,
                 std::optional<py::array> gradSpikes,
                 std::optional<py::array> gradMem,
                 std::optional<py::array> gradMemFinal, py::array gradCurrent,
                 py::array gradMemInit, std::optional<py::array> gradDecay,
                 std::optional<py::array> gradThreshold,
                 std::optional<py::array> gradGraded,
                 unsigned resetMode, bool resetDelay, unsigned surrogate,
                 double surrogateA, double surrogateB, unsigned numThreads,
                 bool debug, std::uint64_t seed,
                 std::optional<std::uint64_t> numSteps,
                 std::optional<py::array> linearGrad,
                 std::optional<py::array> linearWeight) {
  LifBackwardArgs a;
  static_cast<LifLayerInputs &>(a) =
      layerInputs(current, memInit, decay, threshold, graded, numSteps);
  const ElementType type = a.type, st = stateTypeOf(type);
  const std::uint64_t T = a.numSteps, N = a.numNeurons;
  const std::uint64_t currentRows = a.constantCurrent ? 1 : T;
  if (gradSpikes)
    checkLayer(*gradSpikes, type, T, N, "grad_spikes", false);
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
    checkLayer(*gradMem, type, T, N, "grad_mem", false);
  if (gradMemFinal)
    checkVector(*gradMemFinal, st, N, false, "grad_mem_final", false);
  checkLayer(gradCurrent, type, currentRows, N, "grad_current", true);
  checkVector(gradMemInit, st, N, false, "grad_mem_init", true);
  const bool paramGrads = gradDecay.has_value();
  if (gradThreshold.has_value() != paramGrads || gradGraded.has_value() != paramGrads)
    throw py::value_error("grad_decay, grad_threshold, grad_graded: give all three "
                          "(parameter gradients wanted) or none");
  if (paramGrads) {
    checkVector(*gradDecay, st, N, false, "grad_decay", true);
    checkVector(*gradThreshold, st, N, false, "grad_threshold", true);
    checkVector(*gradGraded, st, N, false, "grad_graded", true);
  }

  a.gradSpikes = gradSpikes ? gradSpikes->data() : nullptr;
  a.gradMem = gradMem ? gradMem->data() : nullptr;
  a.gradMemFinal = gradMemFinal ? gradMemFinal->data() : nullptr;
  a.gradCurrent = gradCurrent.mutable_data();
  a.gradMemInit = gradMemInit.mutable_data();
  if (paramGrads) {
    a.gradDecay = gradDecay->mutable_data();
    a.gradThreshold = gradThreshold->mutable_data();
    a.gradGraded = gradGraded->mutable_data();
  }
  const LifOptions o =
      makeOptions(resetMode, resetDelay, surrogate, surrogateA, surrogateB);
  const HostRunOptions run = makeRun(numThreads, debug, seed);
  py::gil_scoped_release release;
  hostLifBackward(a, o, run);
}

} // namespace

PYBIND11_MODULE(_host, m) {
  m.doc() = "snn_ipu host backend: the LIF codelets run on the CPU's threads";

  py::register_exception<PlanError>(m, "PlanError", PyExc_ValueError);

  m.def("lif_forward", &lifForward, py::arg("current"), py::arg("mem_init"),
        py::arg("decay"), py::arg("threshold"), py::arg("graded"),
        py::arg("spikes"), py::arg("mem").none(true), py::arg("mem_final"),
        py::arg("reset_mode"), py::arg("reset_delay"),
        py::arg("num_threads") = 1, py::arg("debug") = false,
        py::arg("seed") = 0, py::arg("num_steps") = py::none(),
        "Run LifForward over a [T, N] layer, writing spikes, the membrane "
        "record (unless mem is None) and the final membrane. With num_steps, "
        "current is one [1, N] row used at every step (static input).");
  m.def("lif_backward", &lifBackward, py::arg("current"), py::arg("mem_init"),
        py::arg("decay"), py::arg("threshold"), py::arg("graded"),
        py::arg("grad_spikes").none(true), py::arg("grad_mem").none(true),
        py::arg("grad_mem_final").none(true), py::arg("grad_current"),
        py::arg("grad_mem_init"), py::arg("grad_decay").none(true),
        py::arg("grad_threshold").none(true), py::arg("grad_graded").none(true),
        py::arg("reset_mode"), py::arg("reset_delay"),
        py::arg("surrogate"), py::arg("surrogate_a"), py::arg("surrogate_b"),
        py::arg("num_threads") = 1, py::arg("debug") = false,
        py::arg("seed") = 0, py::arg("num_steps") = py::none(),
        py::arg("linear_grad") = py::none(), py::arg("linear_weight") = py::none(),
        "Run LifBackward over a [T, N] layer, writing the gradients. With "
        "num_steps, current and grad_current are [1, N]: a static input and "
        "its gradient summed over steps. linear_grad [T*B, K] and "
        "linear_weight [K, in] (float32, N = B*in) give the spikes' upstream "
        "gradient as that of a Linear layer they feed, instead of grad_spikes.");

  bindPlan(m);
  bindRuntime(m);
  bindLifCycles(m);

#ifdef SNN_IPU_SANITIZED
  m.attr("BUILD_SANITIZED") = true; // ASan + UBSan, bounds-checked shim
#else
  m.attr("BUILD_SANITIZED") = false;
#endif
  m.attr("RESET_MODES") = py::make_tuple("subtract", "zero", "none");
  m.attr("NUM_SURROGATES") = kNumSurrogates;
}
