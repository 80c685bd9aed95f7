// One time step of the leaky integrate-and-fire neuron, in exactly the order
// of operations snnTorch 1.0.0's snn.Leaky uses, so that float32 results are
// bitwise equal (the host build compiles with -ffp-contract=off: no FMA).
//
//   R   = H(U_prev - th)                    reset signal (no gradient)
//   V   = b*U_prev + x - R*th               subtract
//       = b*((1 - R)*U_prev) + x            zero
//       = b*U_prev + x                      none
//   S   = g * H(V - th)
//   U   = V                                 reset_delay = True
//       = V - (S/g - R)*th                  reset_delay = False, subtract
//       = V - (S/g - R)*V                   reset_delay = False, zero
//
// Shared by the forward vertex and by the backward vertex, which recomputes
// the states bit for bit instead of reading them from memory.
#pragma once

#include "LifTypes.hpp"
#include "Variant.hpp"

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

template <typename S> struct LifParams {
  S decay;     // beta, already clamped to [0, 1]
  S threshold;
  S graded;    // graded_spikes_factor
};

template <typename S> inline S heaviside(S x) { return x > S(0) ? S(1) : S(0); }

template <typename S> struct LifStepResult {
  S spike;    // S_t
  S preReset; // V_t
  S mem;      // U_t
};

template <unsigned ResetMode, bool ResetDelay, typename S>
inline LifStepResult<S> lifStep(S memPrev, S current, const LifParams<S> &p) {
  const S reset = heaviside(memPrev - p.threshold);
  S pre;
  if constexpr (ResetMode == kResetSubtract) {
    pre = p.decay * memPrev + current;
    pre = pre - reset * p.threshold;
  } else if constexpr (ResetMode == kResetZero) {
    pre = (S(1) - reset) * memPrev;
    pre = p.decay * pre + current;
  } else {
    static_assert(ResetMode == kResetNone, "unknown reset mode");
    pre = p.decay * memPrev + current;
  }
  const S spike = heaviside(pre - p.threshold) * p.graded;
  S mem = pre;
  if constexpr (!ResetDelay && ResetMode != kResetNone) {
    const S doReset = spike / p.graded - reset;
    if constexpr (ResetMode == kResetSubtract)
      mem = pre - doReset * p.threshold;
    else
      mem = pre - doReset * pre;
  }
  return {spike, pre, mem};
}

SNN_IPU_VARIANT_END
} // namespace snn_ipu
