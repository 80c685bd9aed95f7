// Connecting a tile's slice of the layer's tensors to a vertex's fields, the
// host counterpart of Graph::connect. Internal to the host backend.
#pragma once

#include <poplar/Vertex.hpp>

#include <cstddef>
#include <cstdint>

#include "ops/host/HostLif.hpp"
#include "ops/plan/LifPlan.hpp"

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

// The fields both LIF vertices share, for tile neurons [begin, begin + count):
// the current at every step (one row for a static input), the initial
// membrane, the three parameters, and the scalar sizes. numSteps and
// numNeurons are 32-bit vertex fields, as on the IPU; both fit: planLif
// refuses a tile of 2^31 neurons and a backward scratch (>= 12 * T) of 2^31
// elements, and offsets into the [T, N] tensors are formed in 64 bits.
// Without an initial membrane, the vertex reads `zeros` (at least `count`
// of them).
template <typename FP, typename S, typename VertexT>
void connectLayerInputs(VertexT &v, const LifLayerInputs &in,
                        const LifPlan &plan, std::uint64_t begin,
                        std::uint64_t count, const S *zeros) {
  const std::uint64_t T = plan.numSteps, N = plan.numNeurons;
  connectRows(v.current, static_cast<const FP *>(in.current), begin, count,
              in.constantCurrent ? 0 : N, T);
  if (in.memInit != nullptr)
    connectSlice(v.memInit, static_cast<const S *>(in.memInit), begin, count);
  else
    connectSlice(v.memInit, zeros, 0, count);
  const LifParamsView &p = in.params;
  connectParam<decltype(v.decay), S>(v.decay, p.decay, p.decaySize, begin, count);
  connectParam<decltype(v.threshold), S>(v.threshold, p.threshold,
                                         p.thresholdSize, begin, count);
  connectParam<decltype(v.graded), S>(v.graded, p.graded, p.gradedSize, begin,
                                      count);
  v.numSteps = static_cast<unsigned>(T);
  v.numNeurons = static_cast<unsigned>(count);
  v.chunkNeurons = plan.chunkNeurons;
}

} // namespace snn_ipu
