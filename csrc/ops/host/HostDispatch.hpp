// From the run-time options of a call to the compile-time template
// arguments of the vertex it runs. Internal to the host backend.
#pragma once

#include <poplar/HalfFloat.hpp>

#include <stdexcept>
#include <type_traits>

#include "codelets/LifTypes.hpp"
#include "ops/plan/ElementType.hpp"

namespace snn_ipu {

template <typename T> struct TypeTag { using type = T; };

template <unsigned ResetMode, bool ResetDelay> struct ResetTag {
  static constexpr unsigned mode = ResetMode;
  static constexpr bool delay = ResetDelay;
};

// f(TypeTag<half | float | double>{}).
template <typename F> void withElementType(ElementType type, F &&f) {
  switch (type) {
  case ElementType::Half:
    return f(TypeTag<half>{});
  case ElementType::Float:
    return f(TypeTag<float>{});
  case ElementType::Double:
    return f(TypeTag<double>{});
  }
  throw std::invalid_argument("unknown element type");
}

// f(ResetTag<mode, delay>{}). Reset "none" ignores reset_delay, and only its
// reset_delay=True variant is instantiated.
template <typename F> void withResetMode(unsigned mode, bool delay, F &&f) {
  switch (mode) {
  case kResetSubtract:
    return delay ? f(ResetTag<kResetSubtract, true>{})
                 : f(ResetTag<kResetSubtract, false>{});
  case kResetZero:
    return delay ? f(ResetTag<kResetZero, true>{}) : f(ResetTag<kResetZero, false>{});
  case kResetNone:
    return f(ResetTag<kResetNone, true>{});
  }
  throw std::invalid_argument("unknown reset mode");
}

// f(std::integral_constant<unsigned, surrogate>{}).
template <typename F> void withSurrogate(unsigned surrogate, F &&f) {
  using std::integral_constant;
  switch (surrogate) {
  case kSurrogateATan:
    return f(integral_constant<unsigned, kSurrogateATan>{});
  case kSurrogateFastSigmoid:
    return f(integral_constant<unsigned, kSurrogateFastSigmoid>{});
  case kSurrogateSigmoid:
    return f(integral_constant<unsigned, kSurrogateSigmoid>{});
  case kSurrogateStraightThrough:
    return f(integral_constant<unsigned, kSurrogateStraightThrough>{});
  case kSurrogateHeaviside:
    return f(integral_constant<unsigned, kSurrogateHeaviside>{});
  case kSurrogateTriangular:
    return f(integral_constant<unsigned, kSurrogateTriangular>{});
  case kSurrogateSpikeRateEscape:
    return f(integral_constant<unsigned, kSurrogateSpikeRateEscape>{});
  case kSurrogateSparseFastSigmoid:
    return f(integral_constant<unsigned, kSurrogateSparseFastSigmoid>{});
  }
  throw std::invalid_argument("unknown surrogate id");
}

} // namespace snn_ipu
