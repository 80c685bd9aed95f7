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
// reset_delay=True variant is instantiated; so are models without
// reset_delay (Model's shape says), whatever `delay` says.
template <unsigned Model, typename F>
void withResetMode(unsigned mode, bool delay, F &&f) {
  constexpr bool kDelayVariants = modelShape(Model).hasResetDelay;
  switch (mode) {
  case kResetSubtract:
    if constexpr (kDelayVariants)
      if (!delay)
        return f(ResetTag<kResetSubtract, false>{});
    return f(ResetTag<kResetSubtract, true>{});
  case kResetZero:
    if constexpr (kDelayVariants)
      if (!delay)
        return f(ResetTag<kResetZero, false>{});
    return f(ResetTag<kResetZero, true>{});
  case kResetNone:
    return f(ResetTag<kResetNone, true>{});
  }
  throw std::invalid_argument("unknown reset mode");
}

template <unsigned Id> struct ModelTag {
  static constexpr unsigned id = Id;
};

// f(ModelTag<model>{}).
template <typename F> void withModel(unsigned model, F &&f) {
  switch (model) {
  case kModelLeaky:
    return f(ModelTag<kModelLeaky>{});
  case kModelSynaptic:
    return f(ModelTag<kModelSynaptic>{});
  case kModelAlpha:
    return f(ModelTag<kModelAlpha>{});
  case kModelLapicque:
    return f(ModelTag<kModelLapicque>{});
  case kModelRLeaky:
    return f(ModelTag<kModelRLeaky>{});
  case kModelRSynaptic:
    return f(ModelTag<kModelRSynaptic>{});
  }
  throw std::invalid_argument("unknown neuron model id");
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
