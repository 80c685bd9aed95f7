// The neuron models the generic vertices are instantiated for, by id
// (LifTypes.hpp), and the check that each model's header agrees with the
// shape the plan and the host know it by (modelShape).
#pragma once

#include "AlphaModel.hpp"
#include "LapicqueModel.hpp"
#include "LeakyModel.hpp"
#include "LifTypes.hpp"
#include "RLeakyModel.hpp"
#include "RSynapticModel.hpp"
#include "SynapticModel.hpp"
#include "Variant.hpp"

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

template <unsigned Id> struct ModelOf;
template <> struct ModelOf<kModelLeaky> { using type = LeakyModel; };
template <> struct ModelOf<kModelSynaptic> { using type = SynapticModel; };
template <> struct ModelOf<kModelAlpha> { using type = AlphaModel; };
template <> struct ModelOf<kModelLapicque> { using type = LapicqueModel; };
template <> struct ModelOf<kModelRLeaky> { using type = RLeakyModel; };
template <> struct ModelOf<kModelRSynaptic> { using type = RSynapticModel; };

template <class M> constexpr bool agreesWithShape() {
  constexpr ModelShape shape = modelShape(M::kModel);
  return shape.states == M::kStates && shape.params == M::kParams &&
         shape.savedPlanes[0] == M::kStates + M::template kExtra<true> &&
         (!shape.hasResetDelay ||
          shape.savedPlanes[1] == M::kStates + M::template kExtra<false>);
}
static_assert(agreesWithShape<LeakyModel>(), "LeakyModel vs modelShape");
static_assert(agreesWithShape<SynapticModel>(), "SynapticModel vs modelShape");
static_assert(agreesWithShape<AlphaModel>(), "AlphaModel vs modelShape");
static_assert(agreesWithShape<LapicqueModel>(), "LapicqueModel vs modelShape");
static_assert(agreesWithShape<RLeakyModel>(), "RLeakyModel vs modelShape");
static_assert(agreesWithShape<RSynapticModel>(), "RSynapticModel vs modelShape");

SNN_IPU_VARIANT_END
} // namespace snn_ipu
