// Poplar lowering of the neuron ops: each Opx maps PopART's tensors in and
// out of the graph construction in csrc/ops/graph/NeuronGraph.hpp, which
// grows the vertices of the model's plan: NeuronOpx the forward
// (popsnn::neuronForward), NeuronGradOpx the backward and the sums of shared
// parameters' gradients (popsnn::neuronBackward).
#pragma once

#include <functional>

#include <popart/error.hpp>
#include <popart/operatoridentifier.hpp>
#include <popart/popx/opx.hpp>
#include <poputil/exceptions.hpp>

#include "ops/graph/NeuronGraph.hpp"
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

// The op's attributes as the graph functions' options, and its inputs
// (input(i): op input i of the signature) as their layer.
popsnn::NeuronOptions neuronOptions(const NeuronAttributes &a);
popsnn::NeuronInputs neuronInputs(const NeuronSignature &sig,
                                  const std::function<poplar::Tensor(int)> &input);

// Runs `grow`, turning the graph functions' refusals (a layer that does not
// fit the tiles, ...) into popart::error naming the op.
template <typename Grow>
auto rethrowAsPopartError(const NeuronAttributes &a, Grow grow) -> decltype(grow()) {
  try {
    return grow();
  } catch (const poputil::poplibs_error &e) {
    throw popart::error("{}: {}", a.opName(), e.what());
  }
}

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
