// snnTorch 1.0.0's Lapicque as a neuron model of the generic vertices: state
// the membrane, parameters R, k = 1/(R*C), the time step dt, c = 1 - dt/(R*C)
// (k and c computed by the caller with torch, as snnTorch computes them at
// every step) and the threshold. There is no reset_delay, and the spikes are
// not graded. snnTorch's operations, in its order (shared/NEURONS.md):
//
//   R    = H(mem_prev - th)              detached
//   base = ((x*R)*k)*dt + c*mem_prev
//   mem  = base - R*th (subtract) | base - R*base (zero) | base
//   S    = H(mem - th)
#pragma once

#include "LifStep.hpp"
#include "LifSurrogate.hpp"
#include "LifTypes.hpp"
#include "NeuronStep.hpp"
#include "Variant.hpp"

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

struct LapicqueModel {
  static constexpr unsigned kModel = kModelLapicque;
  static constexpr unsigned kStates = 1;
  static constexpr unsigned kParams = 5;
  enum Param : unsigned { kResistance, kInverseTau, kTimeStep, kKeep, kThreshold };
  static constexpr bool clamped(unsigned) { return false; }
  // The reverse needs the step's input (R's, k's and dt's gradients).
  template <bool ResetDelay> static constexpr unsigned kExtra = 1;

  // The saved planes (the states, then the extras) the reverse step reads:
  // the backward vertex's recompute stores no others (NeuronBackward.hpp).
  // Without the parameters' gradients, only the membrane: the input is
  // read for R's, 1/tau's and the time step's.
  template <bool ParamGrads> static constexpr bool reads(unsigned plane) {
    return ParamGrads || plane == 0;
  }

  template <unsigned ResetMode, bool ResetDelay, typename S, typename Params>
  static NeuronStep<S, 1, 1> step(const S (&prev)[1], S x, const Params &p) {
    static_assert(ResetDelay, "Lapicque has no reset_delay=False");
    const S th = p[kThreshold];
    const S reset = heaviside(prev[0] - th);
    const S base = ((x * p[kResistance]) * p[kInverseTau]) * p[kTimeStep] +
                   p[kKeep] * prev[0];
    S mem = base;
    if constexpr (ResetMode == kResetSubtract)
      mem = base - reset * th;
    else if constexpr (ResetMode == kResetZero)
      mem = base - reset * base;
    NeuronStep<S, 1, 1> out;
    out.spike = heaviside(mem - th);
    out.state[0] = mem;
    out.extra[0] = x;
    return out;
  }

  template <unsigned ResetMode, bool ResetDelay, unsigned Surrogate, typename S,
            typename Params>
  static NeuronStepGrad<S, 1, 5>
  reverse(const S (&prev)[1], const S (&now)[1], const S *extra,
          S gradSpike, const S (&gradState)[1], const Params &p,
          SurrogateConstants<S> c) {
    const S th = p[kThreshold];
    const S reset = heaviside(prev[0] - th);
    const S viaSpike = gradSpike * surrogateGrad<Surrogate>(now[0] - th, c);
    NeuronStepGrad<S, 1, 5> grad;
    grad.param[kThreshold] = -viaSpike;
    S base = gradState[0] + viaSpike;
    if constexpr (ResetMode == kResetSubtract)
      grad.param[kThreshold] = grad.param[kThreshold] - reset * base;
    else if constexpr (ResetMode == kResetZero)
      base = base - base * reset;
    const S x = extra[0];
    const S scaled = base * p[kTimeStep];        // dL/d((x*R)*k)
    const S viaInput = scaled * p[kInverseTau];  // dL/d(x*R)
    grad.current = viaInput * p[kResistance];
    grad.param[kResistance] = viaInput * x;
    grad.param[kInverseTau] = scaled * (x * p[kResistance]);
    grad.param[kTimeStep] = base * ((x * p[kResistance]) * p[kInverseTau]);
    grad.param[kKeep] = base * prev[0];
    grad.state[0] = base * p[kKeep];
    return grad;
  }
};

SNN_IPU_VARIANT_END
} // namespace snn_ipu
