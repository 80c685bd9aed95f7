// Helpers the LIF vertices share: reading per-neuron parameters (a parameter
// field holds one value for every neuron, or one per neuron) and the chunk
// width a worker walks its block with.
#pragma once

#include <cstddef>

#include "LifMath.hpp"

namespace snn_ipu {

template <unsigned W, typename S, typename Field>
inline void loadParam(const Field &field, std::size_t first, unsigned count,
                      S (&out)[W]) {
  if (field.size() == 1) {
    const S value = field[0];
    for (unsigned v = 0; v < count; ++v)
      out[v] = value;
  } else {
    for (unsigned v = 0; v < count; ++v)
      out[v] = field[first + v];
  }
}

// beta is clamped to [0, 1] as snnTorch does every step (idempotent when the
// caller already clamped it, as snn_ipu.ops does to get the clamp's gradient).
template <unsigned W, typename S> inline void clampDecay(S (&decay)[W], unsigned count) {
  for (unsigned v = 0; v < count; ++v)
    decay[v] = decay[v] < S(0) ? S(0) : (decay[v] > S(1) ? S(1) : decay[v]);
}

// The vertex's chunkNeurons, kept within the chunk arrays whatever the field
// holds.
template <typename S> inline unsigned chunkWidth(unsigned chunkNeurons) {
  if (chunkNeurons == 0)
    return 1;
  return chunkNeurons < kMaxChunkNeurons<S> ? chunkNeurons : kMaxChunkNeurons<S>;
}

} // namespace snn_ipu
