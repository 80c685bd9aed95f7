// Poplar lowering of the neuron ops, each one compute set with one vertex per
// tile of the model's plan (LifPlan.hpp), connected as the host runner
// connects it: NeuronOpx grows NeuronForward (NeuronOpx.cpp, as
// HostNeuronForward.cpp), NeuronGradOpx grows NeuronBackward and sums shared
// parameters' gradients (NeuronGradOpx.cpp, as HostNeuronBackward.hpp).
#pragma once

#include <popart/popx/opx.hpp>

namespace snn_ipu {
namespace ipu {

class NeuronOpx : public popart::popx::Opx {
public:
  NeuronOpx(popart::Op *op, popart::popx::Devicex *devicex);
  using popart::popx::Opx::grow; // the multi-sequence overload stays visible
  void grow(poplar::program::Sequence &prog) const final;
};

class NeuronGradOpx : public popart::popx::Opx {
public:
  NeuronGradOpx(popart::Op *op, popart::popx::Devicex *devicex);
  using popart::popx::Opx::grow;
  void grow(poplar::program::Sequence &prog) const final;
};

} // namespace ipu
} // namespace snn_ipu
