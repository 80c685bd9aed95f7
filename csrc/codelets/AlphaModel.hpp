// snnTorch 1.0.0's Alpha as a neuron model of the generic vertices: states
// the excitatory and inhibitory synaptic currents E and I and the membrane,
// parameters alpha and beta (clamped), tau = log(a)/(log(b) - log(a)) + 1
// (computed by the caller with torch's log, as snnTorch computes it at every
// step, so that it is the same float32) and the threshold. There is no
// reset_delay, and the spikes are not graded. snnTorch's operations, in its
// order (shared/NEURONS.md):
//
//   R = H(mem_prev - th)                 detached; mem_prev feeds nothing else
//   E = a*E_prev + x ;  I = b*I_prev - x ;  m = tau*(E + I)
//   subtract: E = E - th*R ;  I = I - I*R ;  m = m - (-I_prev)*R
//   zero:     E = E - E*R ;   I = I - I*R ;  m = m - m*R
//   S = H(m - th)
#pragma once

#include "LifStep.hpp"
#include "LifSurrogate.hpp"
#include "LifTypes.hpp"
#include "NeuronStep.hpp"
#include "Variant.hpp"

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

struct AlphaModel {
  static constexpr unsigned kModel = kModelAlpha;
  static constexpr unsigned kStates = 3;
  enum State : unsigned { kExc, kInh, kMem };
  static constexpr unsigned kParams = 4;
  enum Param : unsigned { kAlpha, kBeta, kTau, kThreshold };
  static constexpr bool clamped(unsigned param) {
    return param == kAlpha || param == kBeta;
  }
  // The reverse needs E + I before the reset (tau's gradient).
  template <bool ResetDelay> static constexpr unsigned kExtra = 1;

  // The saved planes (the states, then the extras) the reverse step reads:
  // the backward vertex's recompute stores no others (NeuronBackward.hpp).
  // Without the parameters' gradients, only the membrane: the currents and
  // E + I are read for alpha's, beta's and tau's.
  template <bool ParamGrads> static constexpr bool reads(unsigned plane) {
    return ParamGrads || plane == kMem;
  }

  template <unsigned ResetMode, bool ResetDelay, typename S, typename Params>
  static NeuronStep<S, 3, 1> step(const S (&prev)[3], S x, const Params &p) {
    static_assert(ResetDelay, "Alpha has no reset_delay=False");
    const S th = p[kThreshold];
    const S reset = heaviside(prev[kMem] - th);
    S exc = p[kAlpha] * prev[kExc] + x;
    S inh = p[kBeta] * prev[kInh] - x;
    const S sum = exc + inh;
    S mem = p[kTau] * sum;
    if constexpr (ResetMode == kResetSubtract) {
      exc = exc - th * reset;
      inh = inh - inh * reset;
      mem = mem - (-prev[kInh]) * reset;
    } else if constexpr (ResetMode == kResetZero) {
      exc = exc - exc * reset;
      inh = inh - inh * reset;
      mem = mem - mem * reset;
    }
    NeuronStep<S, 3, 1> out;
    out.spike = heaviside(mem - th);
    out.state[kExc] = exc;
    out.state[kInh] = inh;
    out.state[kMem] = mem;
    out.extra[0] = sum;
    return out;
  }

  template <unsigned ResetMode, bool ResetDelay, unsigned Surrogate, typename S,
            typename Params>
  static NeuronStepGrad<S, 3, 4>
  reverse(const S (&prev)[3], const S (&now)[3], const S *extra,
          S gradSpike, const S (&gradState)[3], const Params &p,
          SurrogateConstants<S> c) {
    const S th = p[kThreshold];
    const S reset = heaviside(prev[kMem] - th);
    const S viaSpike = gradSpike * surrogateGrad<Surrogate>(now[kMem] - th, c);
    NeuronStepGrad<S, 3, 4> grad;
    grad.param[kThreshold] = -viaSpike;
    S mem = gradState[kMem] + viaSpike; // dL/dm after the reset
    S exc = gradState[kExc], inh = gradState[kInh];
    S inhPrevViaReset = S(0); // subtract: m - (-I_prev)*R
    if constexpr (ResetMode == kResetSubtract) {
      grad.param[kThreshold] = grad.param[kThreshold] - reset * exc;
      inh = inh - inh * reset;
      inhPrevViaReset = reset * mem;
    } else if constexpr (ResetMode == kResetZero) {
      exc = exc - exc * reset;
      inh = inh - inh * reset;
      mem = mem - mem * reset;
    }
    // m = tau*(E + I), before the reset.
    grad.param[kTau] = extra[0] * mem;
    const S viaMem = p[kTau] * mem;
    exc = exc + viaMem;
    inh = inh + viaMem;
    grad.current = exc - inh; // E = ... + x, I = ... - x
    grad.param[kAlpha] = exc * prev[kExc];
    grad.param[kBeta] = inh * prev[kInh];
    grad.state[kExc] = exc * p[kAlpha];
    grad.state[kInh] = inh * p[kBeta] + inhPrevViaReset;
    grad.state[kMem] = S(0); // mem_prev only sets the detached reset
    return grad;
  }
};

SNN_IPU_VARIANT_END
} // namespace snn_ipu
