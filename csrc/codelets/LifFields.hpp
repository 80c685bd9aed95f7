// Helpers the LIF vertices use to read their per-neuron parameters. A
// parameter field holds either one value for every neuron or one per neuron.
#pragma once

namespace snn_ipu {

template <unsigned W, typename S, typename Field>
inline void loadParam(const Field &field, unsigned first, S (&out)[W]) {
  if (field.size() == 1) {
    for (unsigned v = 0; v < W; ++v)
      out[v] = field[0];
  } else {
    for (unsigned v = 0; v < W; ++v)
      out[v] = field[first + v];
  }
}

// beta is clamped to [0, 1] as snnTorch does every step (idempotent when the
// caller already clamped it, as snn_ipu.ops does to get the clamp's gradient).
template <unsigned W, typename S> inline void clampDecay(S (&decay)[W]) {
  for (unsigned v = 0; v < W; ++v)
    decay[v] = decay[v] < S(0) ? S(0) : (decay[v] > S(1) ? S(1) : decay[v]);
}

} // namespace snn_ipu
