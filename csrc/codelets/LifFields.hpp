// Helpers the LIF vertices share: reading per-neuron parameters (a parameter
// field holds one value for every neuron, or one per neuron), reading and
// writing runs of a row (runAsState, storeRun), prefetch hints for the next
// step's rows (touchRow, forEachLine) and the chunk width a worker walks its
// block with.
#pragma once

#include <cstddef>
#include <type_traits>

#include <poplar/Vertex.hpp>

#include "LifTypes.hpp"
#include "Variant.hpp"

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

// Most neurons a worker carries across all time steps at once: the host's
// long runs only where the vertices run on the host shim (its Vertex.hpp
// defines SNN_IPU_HOST_SHIM), the IPU's register chunk wherever popc
// compiles them, for the IPU and for its cpu target (the IPU Model, which
// does not define __IPU__ but gives workers the IPU's small stacks).
#if defined(SNN_IPU_HOST_SHIM) && !defined(__IPU__)
template <typename StateT>
constexpr unsigned kMaxChunkNeurons = kHostChunkNeurons<StateT>;
#else
template <typename StateT> constexpr unsigned kMaxChunkNeurons = kIpuChunkNeurons;
#endif

// A parameter of a chunk's neurons. When every parameter field holds one
// value (snnTorch's default: a scalar beta, threshold and graded factor), the
// vertices use the Shared form, a single value the compiler keeps in a
// register, instead of a per-neuron array it loads from at every step.
template <bool Shared, unsigned W, typename S> struct ChunkParam {
  S values[W];
  S operator[](unsigned v) const { return values[v]; }
};
template <unsigned W, typename S> struct ChunkParam<true, W, S> {
  S value;
  S operator[](unsigned) const { return value; }
};

// Whether all of a vertex's parameter fields hold one value.
template <typename... Fields> inline bool allShared(const Fields &...fields) {
  return ((fields.size() == 1) && ...);
}

template <unsigned W, typename S, typename Field>
inline void loadParam(const Field &field, std::size_t first, unsigned count,
                      ChunkParam<false, W, S> &out) {
  if (field.size() == 1) {
    const S value = field[0];
    for (unsigned v = 0; v < count; ++v)
      out.values[v] = value;
  } else {
    for (unsigned v = 0; v < count; ++v)
      out.values[v] = field[first + v];
  }
}

template <unsigned W, typename S, typename Field>
inline void loadParam(const Field &field, std::size_t, unsigned,
                      ChunkParam<true, W, S> &out) {
  out.value = field[0];
}

// beta is clamped to [0, 1] as snnTorch does every step (idempotent when the
// caller already clamped it, as snn_ipu.ops does to get the clamp's gradient).
template <typename S> inline S clampDecay(S decay) {
  return decay < S(0) ? S(0) : (decay > S(1) ? S(1) : decay);
}

template <unsigned W, typename S>
inline void clampDecay(ChunkParam<false, W, S> &decay, unsigned count) {
  for (unsigned v = 0; v < count; ++v)
    decay.values[v] = clampDecay(decay.values[v]);
}

template <unsigned W, typename S>
inline void clampDecay(ChunkParam<true, W, S> &decay, unsigned) {
  decay.value = clampDecay(decay.value);
}

// A chunk's beta (clamped), threshold and graded factor: what both vertices
// read first.
template <bool Shared, unsigned W, typename S, typename DecayField,
          typename ThresholdField, typename GradedField>
inline void loadChunkParams(const DecayField &decay,
                            const ThresholdField &threshold,
                            const GradedField &graded, std::size_t first,
                            unsigned count, ChunkParam<Shared, W, S> &b,
                            ChunkParam<Shared, W, S> &th,
                            ChunkParam<Shared, W, S> &g) {
  loadParam(decay, first, count, b);
  clampDecay(b, count);
  loadParam(threshold, first, count, th);
  loadParam(graded, first, count, g);
}

// The P parameters of a chunk's neurons, each loaded from one edge of a 2-D
// parameter field (one value for all neurons, or one per neuron), those the
// model clamps clamped to [0, 1]; params.at(v)[i] is parameter i of neuron v.
template <bool Shared, unsigned W, unsigned P, typename S> struct ChunkParams {
  ChunkParam<Shared, W, S> param[P];

  template <class Model, typename Field>
  void load(const Field &field, std::size_t first, unsigned count) {
    for (unsigned i = 0; i < P; ++i) {
      const auto &edge = field[i];
      loadParam(edge, first, count, param[i]);
      if (Model::clamped(i))
        clampDecay(param[i], count);
    }
  }

  struct Neuron {
    const ChunkParams &params;
    unsigned v;
    S operator[](unsigned i) const { return params.param[i][v]; }
  };
  Neuron at(unsigned v) const { return {*this, v}; }
};

// Whether every edge of a 2-D parameter field holds one value.
template <unsigned P, typename Field> inline bool allSharedEdges(const Field &field) {
  for (unsigned i = 0; i < P; ++i)
    if (field[i].size() != 1)
      return false;
  return true;
}

// Elements row[first .. first + count) as the state type S: the row itself
// when its elements are S, else converted into `buffer` (half rows). A plain
// loop (what popc compiles); the host shim overloads it for half rows with
// vector conversions.
template <typename S, typename Row>
inline const S *runAsState(const Row &row, std::size_t first, unsigned count,
                           S *buffer) {
  using Element = std::remove_cv_t<std::remove_reference_t<decltype(row[first])>>;
  if constexpr (std::is_same_v<Element, S>) {
    (void)count;
    (void)buffer;
    return &row[first];
  } else {
    for (unsigned v = 0; v < count; ++v)
      buffer[v] = S(row[first + v]);
    return buffer;
  }
}

// A hint that row[index] will be read or written soon. A no-op here, which is
// what popc compiles (tile memory has no cache); the host shim overloads it
// for its rows with a prefetch.
template <typename Row> inline void touchRow(const Row &, std::size_t) {}

// How many steps ahead the vertices touch rows: one step of a chunk can take
// less time than a DRAM access (benchmarks/RESULTS.md, "Tuning constants").
constexpr unsigned kTouchAheadSteps = 3;

// Calls body(v) for v = 0 .. count-1, one 64-byte line of state elements at
// a time, and touch(v) before each line. The vertices touch the same line of
// the rows a later time step reads and writes. On the host a chunk's rows
// lie a row stride apart, so every row is a new stream that the hardware
// prefetchers only pick up after its first misses. One prefetch per line,
// spread over the current step's loop, keeps the next rows coming without
// holding up the loads of this one (benchmarks/RESULTS.md, "Tuning
// constants").
template <typename S, typename Touch, typename Body>
inline void forEachLine(unsigned count, const Touch &touch, const Body &body) {
  constexpr unsigned kLine = 64 / sizeof(S) > 0 ? 64 / sizeof(S) : 1;
  if constexpr (kMaxChunkNeurons<S> <= kLine) {
    // No chunk spans a line (the IPU's chunks are 2 neurons): one loop, so
    // that the body is emitted once.
    touch(0);
    for (unsigned v = 0; v < count; ++v)
      body(v);
    return;
  }
  unsigned v = 0;
  for (; v + kLine <= count; v += kLine) {
    touch(v);
    for (unsigned i = v; i < v + kLine; ++i)
      body(i);
  }
  if (v < count) {
    touch(v);
    for (; v < count; ++v)
      body(v);
  }
}

// Writes `count` values, converted to the output's element type FPType, to
// row[first ...]. A plain loop, what popc compiles: the row is taken as it
// comes (a reference to the field's row, or a row returned by value) and
// written through a non-const name, so that the code does not depend on
// whether Poplar's Output rows can be written through a const one. On the
// host every row is the shim's, which its own overload writes (with
// non-temporal stores where the runner asks); this template is then a
// deleted declaration of the same form as that overload, so that the shim's
// is chosen as it is more specialised, and a row it would not take fails to
// compile.
#ifdef SNN_IPU_HOST_SHIM
template <typename FPType, typename Row, typename S>
void storeRun(const Row &row, std::size_t first, const S *values,
              unsigned count) = delete;
#else
template <typename FPType, typename Row, typename S>
inline void storeRun(Row &&row, std::size_t first, const S *values,
                     unsigned count) {
  for (unsigned v = 0; v < count; ++v)
    row[first + v] = FPType(values[v]);
}
#endif

// The vertex's chunkNeurons, kept within the chunk arrays whatever the field
// holds.
template <typename S> inline unsigned chunkWidth(unsigned chunkNeurons) {
  if (chunkNeurons == 0)
    return 1;
  return chunkNeurons < kMaxChunkNeurons<S> ? chunkNeurons : kMaxChunkNeurons<S>;
}

SNN_IPU_VARIANT_END
} // namespace snn_ipu
