// The reverse of one LIF time step (see LifStep.hpp): given the states of the
// step and dL/dU_t, dL/dS_t, returns dL/dV_t (= dL/dx_t), dL/dU_{t-1} and this
// step's contributions to the parameter gradients. These are the derivatives
// snnTorch's autograd takes through its graph, with dS/dV replaced by the
// surrogate: the reset signal R is detached, the reset_delay=False correction
// is not.
#pragma once

#include "LifStep.hpp"
#include "LifSurrogate.hpp"
#include "LifTypes.hpp"
#include "Variant.hpp"

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

template <typename S> struct LifStepGrad {
  S pre;       // dL/dV_t, which is also dL/dx_t
  S memPrev;   // dL/dU_{t-1} through this step
  S decay;     // d/dbeta (w.r.t. the clamped beta)
  S threshold; // d/dthreshold
  S graded;    // d/dgraded_spikes_factor
};

// The reverse of firing, shared by every model: of S = g*H(V - th) and, with
// reset_delay=False, of the correction U = V - D*th (subtract) or V - D*V
// (zero), D = S/g - R. Given dL/dU and dL/dS, returns dL/dV and the
// contributions to dL/dth and dL/dg.
template <typename S> struct FireGrad {
  S pre;
  S threshold;
  S graded;
};

template <unsigned ResetMode, bool ResetDelay, unsigned Surrogate, typename S>
inline FireGrad<S> fireGrad(S reset, S pre, S gradMem, S gradSpike,
                            S threshold, S graded, SurrogateConstants<S> c) {
  const S shifted = pre - threshold;
  const S fired = heaviside(shifted);
  const S slope = surrogateGrad<Surrogate>(shifted, c);
  FireGrad<S> grad;
  if constexpr (ResetDelay || ResetMode == kResetNone) {
    const S viaSpike = gradSpike * graded * slope;
    grad.pre = gradMem + viaSpike;
    grad.threshold = -viaSpike;
    grad.graded = gradSpike * fired;
  } else {
    // U = V - D*th (subtract) or V - D*V (zero), with D = Q - R and Q = S/g.
    // Each factor is differentiated as snnTorch's autograd graph does it,
    // term by term, rather than through the simplified dD/dV = slope: the
    // two paths through S and S/g cancel analytically, but where g is 0 or
    // not finite, or a state or gradient is, the graph's terms are NaN or
    // infinite and the gradient must be too (the simplified form gave
    // finite gradients for neurons whose membrane was NaN).
    const S quotient = fired * graded / graded; // Q = S/g
    const S doReset = quotient - reset;
    const S gradDoReset =
        -gradMem * (ResetMode == kResetSubtract ? threshold : pre);
    const S gradQuotient = gradDoReset / graded; // dL/dS through Q
    const S gradSpikeTotal = gradSpike + gradQuotient;
    const S viaSpikes = slope * (gradSpikeTotal * graded);
    if constexpr (ResetMode == kResetSubtract) {
      grad.pre = gradMem + viaSpikes;
      grad.threshold = -gradMem * doReset - viaSpikes;
    } else {
      // gradMem - gradMem*D first: exact for D in {-1, 0, 1}, so that a
      // small result is not rounded at gradMem's magnitude.
      grad.pre = (gradMem - gradMem * doReset) + viaSpikes;
      grad.threshold = -viaSpikes;
    }
    // dL/dg = gradSpikeTotal*H (through S = H*g) - gradDoReset*Q/g (through
    // Q = S/g). The gradDoReset parts cancel exactly; summed in float32 they
    // leave noise of order ulp(gradDoReset/g), which is what snnTorch
    // returns. Keep the exact value, gradSpike*H, and add the cancelling
    // parts times 0: 0 where they are finite, NaN where snnTorch's are NaN.
    const S cancelling = gradQuotient * fired - gradDoReset * (quotient / graded);
    grad.graded = gradSpike * fired + S(0) * cancelling;
  }
  return grad;
}

template <unsigned ResetMode, bool ResetDelay, unsigned Surrogate, typename S>
inline LifStepGrad<S> lifStepGrad(S memPrev, S pre, S gradMem, S gradSpike,
                                  const LifParams<S> &p,
                                  SurrogateConstants<S> c) {
  const S one = S(1);
  const S reset = heaviside(memPrev - p.threshold);
  const FireGrad<S> fire = fireGrad<ResetMode, ResetDelay, Surrogate>(
      reset, pre, gradMem, gradSpike, p.threshold, p.graded, c);
  LifStepGrad<S> grad;
  grad.pre = fire.pre;
  grad.threshold = fire.threshold;
  grad.graded = fire.graded;
  if constexpr (ResetMode == kResetZero) {
    const S keep = one - reset;
    grad.decay = grad.pre * (keep * memPrev);
    grad.memPrev = grad.pre * p.decay * keep;
  } else {
    if constexpr (ResetMode == kResetSubtract)
      grad.threshold = grad.threshold - reset * grad.pre; // V = ... - R*th
    grad.decay = grad.pre * memPrev;
    grad.memPrev = grad.pre * p.decay;
  }
  return grad;
}

SNN_IPU_VARIANT_END
} // namespace snn_ipu
