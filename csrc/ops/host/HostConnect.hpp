// Connecting a tile's slice of the layer's tensors to a vertex's fields, the
// host counterpart of Graph::connect. Internal to the host backend.
//
// numSteps and numNeurons are 32-bit vertex fields, as on the IPU; both fit:
// planLif refuses a tile of 2^31 neurons and a backward scratch (>= 12 * T)
// of 2^31 elements, and offsets into the [T, N] tensors are formed in 64
// bits.
#pragma once

#include <poplar/Vertex.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ops/host/HostNeuron.hpp"
#include "ops/plan/LifPlan.hpp"

namespace snn_ipu {

template <typename Pointer> using Edge = poplar::host::RowEdge<Pointer>;

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

// A 2-D field connected from the table `edges` (which must outlive the run).
template <typename Field, typename Pointer>
void connectEdges(Field &field, const std::vector<Edge<Pointer>> &edges,
                  bool streaming = false) {
  poplar::host::connect(field, edges.data(), edges.size(), streaming);
}

// Columns [begin, begin + count) of several [T, N] tensors, one after the
// other, as one 2-D field: rows r*T + t. A null tensor reads `zeros` (one row
// of at least `count` elements) at every step. One tensor is connected as
// strided rows; several need the table `edges`, which must outlive the run.
template <typename Field, typename Pointer>
void connectStacked(Field &field, const std::vector<Pointer> &tensors,
                    Pointer zeros, std::uint64_t begin, std::uint64_t count,
                    std::uint64_t N, std::uint64_t T,
                    std::vector<Edge<Pointer>> &edges, bool streaming = false) {
  if (tensors.size() == 1) {
    if (tensors[0] != nullptr)
      connectRows(field, tensors[0], begin, count, N, T, streaming);
    else
      connectRows(field, zeros, 0, count, 0, T);
    return;
  }
  edges.clear();
  for (Pointer tensor : tensors)
    for (std::uint64_t t = 0; t < T; ++t)
      edges.push_back({tensor != nullptr ? tensor + t * N + begin : zeros,
                       static_cast<std::size_t>(count)});
  connectEdges(field, edges, streaming);
}

// Elements [begin, begin + count) of several [N] vectors as one 2-D field; a
// null vector reads `zeros` (at least `count` of them).
template <typename Pointer>
std::vector<Edge<Pointer>> vectorEdges(const Pointer *vectors, unsigned n,
                                       Pointer zeros, std::uint64_t begin,
                                       std::uint64_t count) {
  std::vector<Edge<Pointer>> edges;
  for (unsigned i = 0; i < n; ++i)
    edges.push_back({vectors[i] != nullptr ? vectors[i] + begin : zeros,
                     static_cast<std::size_t>(count)});
  return edges;
}

// The layer's parameters as edges: one value for all neurons, or the tile's
// [begin, begin + count) of one per neuron.
template <typename S>
std::vector<Edge<const S *>> paramEdges(const NeuronLayerInputs &in, unsigned n,
                                        std::uint64_t begin, std::uint64_t count) {
  std::vector<Edge<const S *>> edges;
  for (unsigned i = 0; i < n; ++i) {
    const S *param = static_cast<const S *>(in.params[i]);
    if (in.paramSize[i] == 1)
      edges.push_back({param, 1});
    else
      edges.push_back({param + begin, static_cast<std::size_t>(count)});
  }
  return edges;
}

// A typed view of one of the argument arrays (first n entries).
template <typename T, typename Void>
std::vector<T> typedPointers(Void *const *pointers, unsigned n) {
  std::vector<T> typed;
  for (unsigned i = 0; i < n; ++i)
    typed.push_back(static_cast<T>(pointers[i]));
  return typed;
}

// What both vertices share, for tile neurons [begin, begin + count): the
// current at every step (one row for a static input), the initial states
// (`zeros` for absent ones), the parameters and the scalar sizes. The edge
// tables are `init` and `params`, which must outlive the run.
template <typename FP, typename S, typename VertexT>
void connectLayerInputs(VertexT &v, const NeuronLayerInputs &in,
                        const LifPlan &plan, std::uint64_t begin,
                        std::uint64_t count, const S *zeros,
                        std::vector<Edge<const S *>> &init,
                        std::vector<Edge<const S *>> &params) {
  const ModelShape shape = modelShape(plan.model);
  const std::uint64_t T = plan.numSteps, N = plan.numNeurons;
  connectRows(v.current, static_cast<const FP *>(in.current), begin, count,
              in.constantCurrent ? 0 : N, T);
  init = vectorEdges(typedPointers<const S *>(in.stateInit, shape.states).data(),
                     shape.states, zeros, begin, count);
  connectEdges(v.stateInit, init);
  params = paramEdges<S>(in, shape.params, begin, count);
  connectEdges(v.params, params);
  v.numSteps = static_cast<unsigned>(T);
  v.numNeurons = static_cast<unsigned>(count);
  v.chunkNeurons = plan.chunkNeurons;
}

} // namespace snn_ipu
