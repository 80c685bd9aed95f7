// pybind11 bindings of the host runtime, part of snn_ipu._host: the output
// pool (OutputPool.hpp), where work items run (Parallel.hpp), how often each
// path ran, and the kernels' instruction-set level (IsaLevels.hpp).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <string>

#include "ops/bindings/Bindings.hpp"
#include "ops/host/IsaLevels.hpp"
#include "ops/plan/ElementType.hpp"
#include "ops/runtime/OutputPool.hpp"
#include "ops/runtime/Parallel.hpp"
#include "ops/runtime/StreamOutput.hpp"

namespace py = pybind11;

namespace snn_ipu {

void bindRuntime(py::module_ &m) {
  m.def("pool_stats", [] {
    const OutputPoolStats s = poolStats();
    py::dict d;
    d["in_use_bytes"] = s.inUseBytes;
    d["peak_in_use_bytes"] = s.peakInUseBytes;
    d["cached_bytes"] = s.cachedBytes;
    d["limit_bytes"] = s.limitBytes;
    return d;
  });
  m.def("pool_empty_cache", &poolEmptyCache);
  m.def("threading_backend", &threadingBackendDescription,
        "Where kernel work items run: 'openmp (<library>)' (torch's OpenMP "
        "team) or 'pool' (snn_ipu's own threads).");
  m.def(
      "set_threading_backend",
      [](const std::string &name) {
        if (name == "auto")
          setThreadingBackend(ThreadingBackend::Auto);
        else if (name == "pool")
          setThreadingBackend(ThreadingBackend::Pool);
        else if (name == "openmp")
          setThreadingBackend(ThreadingBackend::OpenMp);
        else
          throw py::value_error("backend: expected 'auto', 'pool' or 'openmp', got '" +
                                name + "'");
      },
      py::arg("backend"));
  m.def("pool_set_limit", &poolSetLimit, py::arg("bytes"));
  m.def("pool_reset_peak", &poolResetPeak);
  m.def(
      "run_counts",
      [] {
        const ParallelRunCounts runs = parallelRunCounts();
        py::dict d;
        d["serial"] = runs.serial;
        d["openmp"] = runs.openMp;
        d["pool"] = runs.pool;
        d["streaming_runs"] = streamingRunCount();
        return d;
      },
      "Counts since the process started: kernel runs on the calling thread "
      "alone, on torch's OpenMP team and on snn_ipu's own pool, and runs that "
      "wrote their [T, N] outputs with non-temporal stores. For tests that must know which path ran.");
  m.def(
      "isa_info",
      [] {
        const IsaInfo info = isaInfo();
        py::dict d;
        d["built"] = info.built;
        d["runnable"] = info.runnable;
        d["active"] = info.active;
        d["forced"] = info.forced;
        static const char *const dtypes[kNumElementTypes] = {"float16", "float32",
                                                             "float64"};
        static_assert(unsigned(ElementType::Half) == 0 &&
                      unsigned(ElementType::Float) == 1 &&
                      unsigned(ElementType::Double) == 2);
        py::dict byType;
        for (unsigned type = 0; type < kNumElementTypes; ++type)
          byType[dtypes[type]] = info.byType[type];
        d["by_dtype"] = byType;
        return d;
      },
      "The kernels' instruction-set levels: those built (lowest first), those "
      "this CPU runs, the one in use, whether it was forced (SNN_IPU_ISA "
      "or _set_isa) rather than the highest this CPU runs, and the level each "
      "element type runs at (float64 at baseline where only that is built "
      "for it).");
  m.def(
      "_set_isa",
      [](const std::optional<std::string> &level) { selectIsa(level.value_or("")); },
      py::arg("level"),
      "Private, for tests and benchmarks: run the kernels at another "
      "instruction-set level from now on (ValueError if this build lacks it "
      "or this CPU cannot run it); None: back to the level chosen at import.");
}

} // namespace snn_ipu
