// Kernel outputs as NumPy arrays, allocated by the bindings rather than by
// the caller: large ones come from the output pool (OutputPool.hpp), whose
// buffers keep their pages across calls; small ones from NumPy.
#pragma once

#include <pybind11/numpy.h>

#include <cstdint>
#include <vector>

#include "ops/plan/ElementType.hpp"

namespace snn_ipu {

// Outputs of at least this many bytes come from the pool: below it, fresh
// memory costs less than the pool's 64 KiB granularity wastes.
constexpr std::uint64_t kPooledOutputBytes = std::uint64_t(4) << 20;

// A C-contiguous array of `type` elements. Throws std::bad_alloc (Python's
// MemoryError) if its size in bytes does not fit in 64 bits.
pybind11::array newOutputArray(ElementType type,
                               const std::vector<std::uint64_t> &shape);

} // namespace snn_ipu
