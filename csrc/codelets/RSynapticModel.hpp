// snnTorch 1.0.0's RSynaptic with one-to-one recurrence (all_to_all=False) as
// a neuron model of the generic vertices: states the synaptic current, the
// membrane and the carried spike (which keeps its surrogate gradient),
// parameters alpha and beta (clamped), the recurrent weight V and the
// threshold; the synaptic current and the membrane are recorded. The
// operations are snnTorch's, in its order (shared/NEURONS.md):
//
//   R   = H(mem_prev - th)                 detached
//   syn = (a*syn_prev + x) + spk_prev*V
//   m   = b*mem_prev + syn
//   mem = m - R*th (subtract) | m - m*R (zero: the NEW membrane) | m
//   S   = H(mem - th)
//
// reset_delay=False changes nothing in snnTorch 1.0.0 (it corrects a local
// copy of the argument): the model has no such variant.
#pragma once

#include "LifStep.hpp"
#include "LifStepGrad.hpp"
#include "LifSurrogate.hpp"
#include "LifTypes.hpp"
#include "NeuronStep.hpp"
#include "Variant.hpp"

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

struct RSynapticModel {
  static constexpr unsigned kModel = kModelRSynaptic;
  static constexpr unsigned kStates = 3;
  enum State : unsigned { kSyn, kMem, kSpk };
  static constexpr unsigned kParams = 4;
  enum Param : unsigned { kAlpha, kBeta, kV, kThreshold };
  static constexpr bool clamped(unsigned param) {
    return param == kAlpha || param == kBeta;
  }
  template <bool ResetDelay> static constexpr unsigned kExtra = 0;

  // The saved planes (the states, then the extras) the reverse step reads:
  // the backward vertex's recompute stores no others (NeuronBackward.hpp).
  // Without the parameters' gradients, only the membrane: the synaptic
  // current and the carried spike are read for alpha's and V's.
  template <bool ParamGrads> static constexpr bool reads(unsigned plane) {
    return ParamGrads || plane == kMem;
  }

  template <unsigned ResetMode, bool ResetDelay, typename S, typename Params>
  static NeuronStep<S, 3, 0> step(const S (&prev)[3], S x, const Params &p) {
    static_assert(ResetDelay, "RSynaptic has no reset_delay=False variant");
    const S th = p[kThreshold];
    const S reset = heaviside(prev[kMem] - th);
    const S syn = (p[kAlpha] * prev[kSyn] + x) + prev[kSpk] * p[kV];
    S m = p[kBeta] * prev[kMem] + syn;
    if constexpr (ResetMode == kResetSubtract)
      m = m - reset * th;
    else if constexpr (ResetMode == kResetZero)
      m = m - m * reset;
    const S spike = heaviside(m - th);
    NeuronStep<S, 3, 0> out;
    out.spike = spike;
    out.state[kSyn] = syn;
    out.state[kMem] = m;
    out.state[kSpk] = spike;
    return out;
  }

  // gradSpike is the output spike's upstream gradient; gradState[kSpk] the
  // carried spike's (from the next step's recurrence): the spike's is their
  // sum.
  template <unsigned ResetMode, bool ResetDelay, unsigned Surrogate, typename S,
            typename Params>
  static NeuronStepGrad<S, 3, 4>
  reverse(const S (&prev)[3], const S (&now)[3], const S *,
          S gradSpike, const S (&gradState)[3], const Params &p,
          SurrogateConstants<S> c) {
    const S th = p[kThreshold];
    const S reset = heaviside(prev[kMem] - th);
    const FireGrad<S> fire = fireGrad<ResetMode, true, Surrogate>(
        reset, now[kMem], gradState[kMem], gradSpike + gradState[kSpk], th, S(1), c);
    NeuronStepGrad<S, 3, 4> grad;
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
    grad.param[kV] = syn * prev[kSpk];
    grad.state[kSyn] = syn * p[kAlpha];
    grad.state[kSpk] = syn * p[kV];
    return grad;
  }
};

SNN_IPU_VARIANT_END
} // namespace snn_ipu
