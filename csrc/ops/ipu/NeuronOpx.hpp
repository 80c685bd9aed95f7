// Poplar lowering of the neuron ops, each one compute set with one vertex per
// tile of the model's plan (LifPlan.hpp), connected as the host runner
// connects it: NeuronOpx grows NeuronForward (NeuronOpx.cpp, as
// HostNeuronForward.cpp), NeuronGradOpx grows NeuronBackward and sums shared
// parameters' gradients (NeuronGradOpx.cpp, as HostNeuronBackward.hpp).
#pragma once

#include <popart/operatoridentifier.hpp>
#include <popart/popx/opx.hpp>

#include "ops/ipu/NeuronAttributes.hpp"
#include "ops/ipu/NeuronOp.hpp"

namespace snn_ipu {
namespace ipu {

// What both Opxs share: their op, checked to be an OpType of id `opid`, and
// its attributes.
template <class OpType> class NeuronOpxOf : public popart::popx::Opx {
public:
  NeuronOpxOf(popart::Op *op, popart::popx::Devicex *devicex,
              const popart::OperatorIdentifier &opid)
      : popart::popx::Opx(op, devicex) {
    verifyOp<OpType>(op, opid);
  }

protected:
  const NeuronAttributes &attributes() const {
    return getOp<OpType>().attributes();
  }
};

class NeuronOpx : public NeuronOpxOf<NeuronOp> {
public:
  NeuronOpx(popart::Op *op, popart::popx::Devicex *devicex)
      : NeuronOpxOf(op, devicex, neuronOpId()) {}
  using popart::popx::Opx::grow; // the multi-sequence overload stays visible
  void grow(poplar::program::Sequence &prog) const final;
};

class NeuronGradOpx : public NeuronOpxOf<NeuronGradOp> {
public:
  NeuronGradOpx(popart::Op *op, popart::popx::Devicex *devicex)
      : NeuronOpxOf(op, devicex, neuronGradOpId()) {}
  using popart::popx::Opx::grow;
  void grow(poplar::program::Sequence &prog) const final;
};

} // namespace ipu
} // namespace snn_ipu
