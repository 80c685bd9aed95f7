// snnTorch 1.0.0's Synaptic as a neuron model of the generic vertices: states
// the synaptic current and the membrane, parameters alpha and beta (clamped)
// and the threshold; its spikes are not graded. The operations are
// snnTorch's, in its order (shared/NEURONS.md):
//
//   R   = H(mem_prev - th)                 detached
//   syn = a*syn_prev + x
//   m   = b*mem_prev + syn
//   m   = m - R*th (subtract) | m - m*R (zero: the NEW membrane) | m
//   S   = H(m - th)
//   mem = m | m - (S - R)*th | m - (S - R)*m     reset_delay False, not detached
#pragma once

#include "LifStep.hpp"
#include "LifStepGrad.hpp"
#include "LifSurrogate.hpp"
#include "LifTypes.hpp"
#include "NeuronStep.hpp"
#include "Variant.hpp"

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

struct SynapticModel {
  static constexpr unsigned kModel = kModelSynaptic;
  static constexpr unsigned kStates = 2;
  enum State : unsigned { kSyn, kMem };
  static constexpr unsigned kParams = 3;
  enum Param : unsigned { kAlpha, kBeta, kThreshold };
  static constexpr bool clamped(unsigned param) { return param != kThreshold; }
  template <bool ResetDelay> static constexpr unsigned kExtra = ResetDelay ? 0 : 1;

  // The saved planes (the states, then the extras) the reverse step reads:
  // the backward vertex's recompute stores no others (NeuronBackward.hpp).
  // Without the parameters' gradients, the synaptic current is not read
  // (alpha's gradient is).
  template <bool ParamGrads> static constexpr bool reads(unsigned plane) {
    return ParamGrads || plane != kSyn;
  }

  template <unsigned ResetMode, bool ResetDelay, typename S, typename Params>
  static NeuronStep<S, 2, kExtra<ResetDelay>> step(const S (&prev)[2], S x,
                                                   const Params &p) {
    const S th = p[kThreshold];
    const S reset = heaviside(prev[kMem] - th);
    const S syn = p[kAlpha] * prev[kSyn] + x;
    S m = p[kBeta] * prev[kMem] + syn;
    if constexpr (ResetMode == kResetSubtract)
      m = m - reset * th;
    else if constexpr (ResetMode == kResetZero)
      m = m - m * reset;
    const S spike = heaviside(m - th);
    S mem = m;
    if constexpr (!ResetDelay && ResetMode != kResetNone) {
      const S doReset = spike - reset; // S / 1.0 - R
      mem = ResetMode == kResetSubtract ? m - doReset * th : m - doReset * m;
    }
    NeuronStep<S, 2, kExtra<ResetDelay>> out;
    out.spike = spike;
    out.state[kSyn] = syn;
    out.state[kMem] = mem;
    if constexpr (!ResetDelay)
      out.extra[0] = m;
    return out;
  }

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
        reset, pre, gradState[kMem], gradSpike, th, S(1), c);
    NeuronStepGrad<S, 2, 3> grad;
    grad.param[kThreshold] = fire.threshold;
    // dL/d(b*mem_prev + syn), through the reset before the spike.
    S integrated = fire.pre;
    if constexpr (ResetMode == kResetSubtract)
      grad.param[kThreshold] = grad.param[kThreshold] - reset * fire.pre;
    else if constexpr (ResetMode == kResetZero)
      integrated = fire.pre - fire.pre * reset;
    grad.param[kBeta] = integrated * prev[kMem];
    grad.state[kMem] = integrated * p[kBeta];
    const S syn = gradState[kSyn] + integrated;
    grad.current = syn;
    grad.param[kAlpha] = syn * prev[kSyn];
    grad.state[kSyn] = syn * p[kAlpha];
    return grad;
  }
};

SNN_IPU_VARIANT_END
} // namespace snn_ipu
