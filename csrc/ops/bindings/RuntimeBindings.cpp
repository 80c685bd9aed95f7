// pybind11 bindings of the host runtime, part of snn_ipu._host: the output
// pool (OutputPool.hpp), where work items run (Parallel.hpp) and how often
// each path ran.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>

#include "ops/bindings/Bindings.hpp"
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
}

} // namespace snn_ipu
