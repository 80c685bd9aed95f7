// snnTorch's Leaky as a neuron model of the generic vertices: one state (the
// membrane U), parameters beta (clamped), threshold and the graded-spike
// factor. The step and its reverse are LifStep.hpp's and LifStepGrad.hpp's.
#pragma once

#include "LifStep.hpp"
#include "LifStepGrad.hpp"
#include "LifSurrogate.hpp"
#include "LifTypes.hpp"
#include "NeuronStep.hpp"
#include "Variant.hpp"

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

struct LeakyModel {
  static constexpr unsigned kModel = kModelLeaky;
  static constexpr unsigned kStates = 1; // U
  static constexpr unsigned kParams = 3;
  enum Param : unsigned { kDecay, kThreshold, kGraded };
  // Parameters the vertices clamp to [0, 1] as they load them.
  static constexpr bool clamped(unsigned param) { return param == kDecay; }
  // With reset_delay=False the reverse needs V_t, the membrane before the
  // correction, besides U_t.
  template <bool ResetDelay> static constexpr unsigned kExtra = ResetDelay ? 0 : 1;

  // The saved planes (the states, then the extras) the reverse step reads:
  // the backward vertex's recompute stores no others (NeuronBackward.hpp).
  // The membrane, and with reset_delay=False the one before the reset.
  template <bool ParamGrads> static constexpr bool reads(unsigned plane) {
    (void)plane;
    return true;
  }

  template <unsigned ResetMode, bool ResetDelay, typename S, typename Params>
  static NeuronStep<S, 1, kExtra<ResetDelay>> step(const S (&prev)[1], S x,
                                                   const Params &p) {
    const auto r = lifStep<ResetMode, ResetDelay>(
        prev[0], x, LifParams<S>{p[kDecay], p[kThreshold], p[kGraded]});
    NeuronStep<S, 1, kExtra<ResetDelay>> out;
    out.spike = r.spike;
    out.state[0] = r.mem;
    if constexpr (!ResetDelay)
      out.extra[0] = r.preReset;
    return out;
  }

  template <unsigned ResetMode, bool ResetDelay, unsigned Surrogate, typename S,
            typename Params>
  static NeuronStepGrad<S, 1, 3>
  reverse(const S (&prev)[1], const S (&now)[1], const S *extra,
          S gradSpike, const S (&gradState)[1], const Params &p,
          SurrogateConstants<S> c) {
    const S pre = ResetDelay ? now[0] : extra[0];
    const auto g = lifStepGrad<ResetMode, ResetDelay, Surrogate>(
        prev[0], pre, gradState[0], gradSpike,
        LifParams<S>{p[kDecay], p[kThreshold], p[kGraded]}, c);
    return {g.pre, {g.memPrev}, {g.decay, g.threshold, g.graded}};
  }
};

SNN_IPU_VARIANT_END
} // namespace snn_ipu
