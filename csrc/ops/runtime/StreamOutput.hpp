// Whether the kernels write an output with non-temporal stores, and how often
// they did: one decision and one counter for the whole process, whichever
// kernel library asks (a runtime service, see ops/host/KernelLibrary.hpp).
#pragma once

#include <cstdint>

namespace snn_ipu {

// Whether an output of `bytes` should be written with non-temporal stores:
// when it is larger than the last level cache, it would be evicted before
// anyone reads it, and streaming it saves the read of every line written.
bool streamOutput(std::uint64_t bytes);
// How many kernel runs streamOutput has told to stream their [T, N] outputs
// since the process started (for tests that must know which path ran).
std::uint64_t streamingRunCount();

} // namespace snn_ipu
