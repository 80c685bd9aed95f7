// Helpers shared by the binding files of snn_ipu._host.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>

#include "ops/host/HostLif.hpp"
#include "ops/plan/ElementType.hpp"

namespace snn_ipu {

inline ElementType parseType(const std::string &name) {
  if (name == "half" || name == "float16")
    return ElementType::Half;
  if (name == "float" || name == "float32")
    return ElementType::Float;
  if (name == "double" || name == "float64")
    return ElementType::Double;
  throw pybind11::value_error(
      "dtype: expected 'half', 'float' or 'double', got '" + name + "'");
}

inline HostRunOptions makeRun(unsigned numThreads, bool debug, std::uint64_t seed) {
  if (numThreads == 0 || numThreads > 1024)
    throw pybind11::value_error("num_threads: expected 1 to 1024");
  HostRunOptions run;
  run.numThreads = numThreads;
  run.debug = debug;
  run.debugSeed = seed;
  return run;
}

} // namespace snn_ipu
