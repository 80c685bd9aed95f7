// Helpers shared by the binding files of snn_ipu._host.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>

#include "codelets/LifTypes.hpp"
#include "ops/host/HostNeuron.hpp"
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
  if (numThreads == 0 || numThreads > kMaxThreads)
    throw pybind11::value_error("num_threads: expected 1 to " +
                                std::to_string(kMaxThreads));
  HostRunOptions run;
  run.numThreads = numThreads;
  run.debug = debug;
  run.debugSeed = seed;
  return run;
}

inline void checkModel(unsigned model) {
  if (model >= kNumModels)
    throw pybind11::value_error("model: expected a neuron model id in [0, " +
                                std::to_string(kNumModels) + ")");
}

inline void checkResetMode(unsigned resetMode) {
  if (resetMode >= kNumResetModes)
    throw pybind11::value_error(
        "reset_mode: expected 0 (subtract), 1 (zero) or 2 (none)");
}

inline void checkSurrogate(unsigned surrogate) {
  if (surrogate >= kNumSurrogates)
    throw pybind11::value_error("surrogate: expected an id in [0, " +
                                std::to_string(kNumSurrogates) + ")");
}

} // namespace snn_ipu
