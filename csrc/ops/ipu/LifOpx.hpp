// Poplar lowering of LifOp and LifGradOp: each grows one compute set with one
// LIF vertex per tile of the plan (LifPlan.hpp), connected exactly as the
// host runner connects them (HostLifForward.cpp / HostLifBackward.cpp).
#pragma once

#include <popart/popx/opx.hpp>

namespace snn_ipu {
namespace ipu {

class LifOpx : public popart::popx::Opx {
public:
  LifOpx(popart::Op *op, popart::popx::Devicex *devicex);
  void grow(poplar::program::Sequence &prog) const final;
};

class LifGradOpx : public popart::popx::Opx {
public:
  LifGradOpx(popart::Op *op, popart::popx::Devicex *devicex);
  void grow(poplar::program::Sequence &prog) const final;
};

} // namespace ipu
} // namespace snn_ipu
