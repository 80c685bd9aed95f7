// snn_ipu._host, the host backend's one pybind11 module: the LIF kernels, the
// tile plan, the runtime and the cost model (each bound in its own file, see
// Bindings.hpp), and the constants the Python side reads.
#include <pybind11/pybind11.h>

#include "codelets/LifTypes.hpp"
#include "ops/bindings/Bindings.hpp"
#include "ops/host/HostNeuron.hpp"
#include "ops/host/IsaLevels.hpp"
#include "ops/plan/LifPlan.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_host, m) {
  m.doc() = "snn_ipu host backend: the LIF codelets run on the CPU's threads";

  // The kernels of the best instruction-set level this CPU runs, or of the
  // one SNN_IPU_ISA names. Where that cannot be (a wrong SNN_IPU_ISA, a
  // missing kernel library), importing the module fails with the reason
  // (pybind11 raises an exception thrown here as ImportError).
  snn_ipu::initKernels();

  // Raised by plan() and host_plan(), and by the kernels, which plan their
  // layer.
  py::register_exception<snn_ipu::PlanError>(m, "PlanError", PyExc_ValueError);

  snn_ipu::bindNeurons(m);
  snn_ipu::bindPlan(m);
  snn_ipu::bindRuntime(m);
  snn_ipu::bindLifCycles(m);

#ifdef SNN_IPU_SANITIZED
  m.attr("BUILD_SANITIZED") = true; // ASan + UBSan, bounds-checked shim
#else
  m.attr("BUILD_SANITIZED") = false;
#endif
  // The kernels' ids, by snnTorch's names (snn_ipu/_lif/config.py and
  // snn_ipu/surrogates.py hold the same; tests/package/test_constants.py
  // checks they agree).
  using namespace snn_ipu;
  py::dict resetModes;
  resetModes["subtract"] = kResetSubtract;
  resetModes["zero"] = kResetZero;
  resetModes["none"] = kResetNone;
  m.attr("RESET_MODES") = resetModes;
  py::dict surrogates;
  surrogates["atan"] = kSurrogateATan;
  surrogates["fast_sigmoid"] = kSurrogateFastSigmoid;
  surrogates["sigmoid"] = kSurrogateSigmoid;
  surrogates["straight_through_estimator"] = kSurrogateStraightThrough;
  surrogates["heaviside"] = kSurrogateHeaviside;
  surrogates["triangular"] = kSurrogateTriangular;
  surrogates["spike_rate_escape"] = kSurrogateSpikeRateEscape;
  surrogates["SFS"] = kSurrogateSparseFastSigmoid;
  m.attr("SURROGATE_IDS") = surrogates;
  // Each neuron model's id and shape (snn_ipu/_lif/models.py holds the
  // same).
  py::dict models;
  const char *modelNames[kNumModels] = {"leaky",    "synaptic", "alpha",
                                         "lapicque", "rleaky",   "rsynaptic"};
  for (unsigned id = 0; id < kNumModels; ++id) {
    const ModelShape shape = modelShape(id);
    py::dict entry;
    entry["id"] = id;
    entry["states"] = shape.states;
    entry["recorded"] = shape.recorded;
    entry["params"] = shape.params;
    entry["reset_delay"] = shape.hasResetDelay;
    models[modelNames[id]] = entry;
  }
  m.attr("MODELS") = models;
  m.attr("MAX_THREADS") = kMaxThreads;
}
