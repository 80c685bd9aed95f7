// Surrogate derivatives dS/dU of the Heaviside spike, as snnTorch 1.0.0's
// snntorch.surrogate defines them (x = U - threshold). The forward spike is
// always the Heaviside step H(x) = x > 0.
#pragma once

#include "LifMath.hpp"
#include "LifTypes.hpp"
#include "Variant.hpp"

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

// (Factors of a such as pi/2 * a are the first operation of their
// expressions below, so the compiler forms them once, outside the loops.)
template <typename S> struct SurrogateConstants {
  S a; // alpha / slope / threshold / beta, per surrogate (see LifTypes.hpp)
  S b; // slope (spike_rate_escape), B (SFS)
  unsigned id = kSurrogateATan; // read by surrogateGrad<kSurrogateAny> only
};

template <unsigned Surrogate, typename S>
inline S surrogateGrad(S x, SurrogateConstants<S> c) {
  const S one = S(1);
  if constexpr (Surrogate == kSurrogateATan) {
    // alpha/2 / (1 + (pi/2 * alpha * x)^2)
    const S scaled = S(1.5707963267948966) * c.a * x;
    return c.a / S(2) / (one + scaled * scaled);
  } else if constexpr (Surrogate == kSurrogateFastSigmoid) {
    const S d = c.a * lifAbs(x) + one;
    return one / (d * d);
  } else if constexpr (Surrogate == kSurrogateSigmoid) {
    // slope * s * (1 - s) with s = sigmoid(slope * x). snnTorch 1.0.0 writes
    // slope*exp(-slope*x)/(exp(-slope*x)+1)^2, which overflows to NaN for
    // slope*x < -88 in float32; this form gives the same values and 0 there.
    const S s = one / (one + lifExp(-c.a * x));
    return c.a * s * (one - s);
  } else if constexpr (Surrogate == kSurrogateStraightThrough) {
    (void)x;
    return one;
  } else if constexpr (Surrogate == kSurrogateHeaviside) {
    return x > S(0) ? one : S(0);
  } else if constexpr (Surrogate == kSurrogateTriangular) {
    // snnTorch: +threshold, negated where x >= 0.
    return x >= S(0) ? -c.a : c.a;
  } else if constexpr (Surrogate == kSurrogateSpikeRateEscape) {
    // slope * exp(-beta * |x - 1|)
    return c.b * lifExp(-c.a * lifAbs(x - one));
  } else if constexpr (Surrogate == kSurrogateAny) {
    switch (c.id) {
    case kSurrogateFastSigmoid:
      return surrogateGrad<kSurrogateFastSigmoid>(x, c);
    case kSurrogateSigmoid:
      return surrogateGrad<kSurrogateSigmoid>(x, c);
    case kSurrogateStraightThrough:
      return surrogateGrad<kSurrogateStraightThrough>(x, c);
    case kSurrogateHeaviside:
      return surrogateGrad<kSurrogateHeaviside>(x, c);
    case kSurrogateTriangular:
      return surrogateGrad<kSurrogateTriangular>(x, c);
    case kSurrogateSpikeRateEscape:
      return surrogateGrad<kSurrogateSpikeRateEscape>(x, c);
    case kSurrogateSparseFastSigmoid:
      return surrogateGrad<kSurrogateSparseFastSigmoid>(x, c);
    default:
      return surrogateGrad<kSurrogateATan>(x, c);
    }
  } else {
    static_assert(Surrogate == kSurrogateSparseFastSigmoid, "unknown surrogate");
    // 1 / (slope*|x| + 1)^2, kept only where x > B (multiplied, as snnTorch
    // does, so that a NaN stays NaN).
    const S d = c.a * lifAbs(x) + one;
    return one / (d * d) * (x > c.b ? one : S(0));
  }
}

SNN_IPU_VARIANT_END
} // namespace snn_ipu
