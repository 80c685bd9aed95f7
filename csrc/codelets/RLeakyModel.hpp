// snnTorch 1.0.0's RLeaky with one-to-one recurrence (all_to_all=False) as a
// neuron model of the generic vertices: states the membrane and the carried
// spike (which keeps its surrogate gradient, as in snnTorch), parameters beta
// (clamped), the recurrent weight V and the threshold; only the membrane is
// recorded (the spikes are the output). The operations are snnTorch's, in
// its order (shared/NEURONS.md):
//
//   R    = H(mem_prev - th)                detached
//   base = (b*mem_prev + x) + spk_prev*V
//   m    = base - R*th (subtract) | base - R*base (zero) | base
//   S    = H(m - th)
//   mem  = m | m - (S - R)*th | m - (S - R)*m     reset_delay False, not detached
#pragma once

#include "LifStep.hpp"
#include "LifStepGrad.hpp"
#include "LifSurrogate.hpp"
#include "LifTypes.hpp"
#include "NeuronStep.hpp"
#include "Variant.hpp"

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

struct RLeakyModel {
  static constexpr unsigned kModel = kModelRLeaky;
  static constexpr unsigned kStates = 2;
  enum State : unsigned { kMem, kSpk };
  static constexpr unsigned kParams = 3;
  enum Param : unsigned { kBeta, kV, kThreshold };
  static constexpr bool clamped(unsigned param) { return param == kBeta; }
  template <bool ResetDelay> static constexpr unsigned kExtra = ResetDelay ? 0 : 1;

  // The saved planes (the states, then the extras) the reverse step reads:
  // the backward vertex's recompute stores no others (NeuronBackward.hpp).
  // Without the parameters' gradients, the carried spike is not read (V's
  // gradient is).
  template <bool ParamGrads> static constexpr bool reads(unsigned plane) {
    return ParamGrads || plane != kSpk;
  }

  template <unsigned ResetMode, bool ResetDelay, typename S, typename Params>
  static NeuronStep<S, 2, kExtra<ResetDelay>> step(const S (&prev)[2], S x,
                                                   const Params &p) {
    const S th = p[kThreshold];
    const S reset = heaviside(prev[kMem] - th);
    const S base = (p[kBeta] * prev[kMem] + x) + prev[kSpk] * p[kV];
    S m = base;
    if constexpr (ResetMode == kResetSubtract)
      m = base - reset * th;
    else if constexpr (ResetMode == kResetZero)
      m = base - reset * base;
    const S spike = heaviside(m - th);
    S mem = m;
    if constexpr (!ResetDelay && ResetMode != kResetNone) {
      const S doReset = spike - reset; // S / 1.0 - R
      mem = ResetMode == kResetSubtract ? m - doReset * th : m - doReset * m;
    }
    NeuronStep<S, 2, kExtra<ResetDelay>> out;
    out.spike = spike;
    out.state[kMem] = mem;
    out.state[kSpk] = spike;
    if constexpr (!ResetDelay)
      out.extra[0] = m;
    return out;
  }

  // gradSpike is the output spike's upstream gradient; gradState[kSpk] the
  // carried spike's (from the next step's recurrence): the spike's is their
  // sum.
  template <unsigned ResetMode, bool ResetDelay, unsigned Surrogate, typename S,
            typename Params>
  static NeuronStepGrad<S, 2, 3>
  reverse(const S (&prev)[2], const S (&now)[2], const S *extra,
          S gradSpike, const S (&gradState)[2], const Params &p,
          SurrogateConstants<S> c) {
    const S th = p[kThreshold];
    const S reset = heaviside(prev[kMem] - th);
    const S pre = ResetDelay ? now[kMem] : extra[0];
    const FireGrad<S> fire = fireGrad<ResetMode, ResetDelay, Surrogate>(
        reset, pre, gradState[kMem], gradSpike + gradState[kSpk], th, S(1), c);
    NeuronStepGrad<S, 2, 3> grad;
    grad.param[kThreshold] = fire.threshold;
    // dL/dbase, through the reset before the spike.
    S base = fire.pre;
    if constexpr (ResetMode == kResetSubtract)
      grad.param[kThreshold] = grad.param[kThreshold] - reset * fire.pre;
    else if constexpr (ResetMode == kResetZero)
      base = fire.pre - fire.pre * reset;
    grad.current = base;
    grad.param[kBeta] = base * prev[kMem];
    grad.state[kMem] = base * p[kBeta];
    grad.param[kV] = base * prev[kSpk];
    grad.state[kSpk] = base * p[kV];
    return grad;
  }
};

SNN_IPU_VARIANT_END
} // namespace snn_ipu
