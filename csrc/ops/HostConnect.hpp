// Connecting a tile's slice of the layer's tensors to a vertex's fields, the
// host counterpart of Graph::connect. Internal to the host backend.
#pragma once

#include <poplar/Vertex.hpp>

#include <cstddef>
#include <cstdint>

#include "LifPlan.hpp"

namespace snn_ipu {

// A [T, N] tensor's columns [begin, begin + count) at every step. rowStride 0
// repeats one row (an absent upstream gradient's zeros).
// Output rows may be written with non-temporal stores (`streaming`).
template <typename Field, typename Pointer>
void connectRows(Field &field, Pointer base, std::uint64_t begin,
                 std::uint64_t count, std::uint64_t rowStride,
                 std::uint64_t rows, bool streaming = false) {
  poplar::host::connect(field, base + begin,
                        static_cast<std::ptrdiff_t>(rowStride),
                        static_cast<std::size_t>(count),
                        static_cast<std::size_t>(rows), streaming);
}

// A per-neuron vector's elements [begin, begin + count).
template <typename Field, typename Pointer>
void connectSlice(Field &field, Pointer base, std::uint64_t begin,
                  std::uint64_t count) {
  poplar::host::connect(field, base + begin, static_cast<std::size_t>(count));
}

// A parameter of one value for all neurons, or one per neuron.
template <typename Field, typename S>
void connectParam(Field &field, const void *data, std::uint64_t size,
                  std::uint64_t begin, std::uint64_t count) {
  const S *typed = static_cast<const S *>(data);
  if (size == 1)
    poplar::host::connect(field, typed, std::size_t(1));
  else
    connectSlice(field, typed, begin, count);
}

} // namespace snn_ipu
