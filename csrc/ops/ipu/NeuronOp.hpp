// The fused neuron layer as PopART ops: NeuronOp (a model's forward over all
// time steps) and NeuronGradOp (its surrogate-gradient BPTT). Hardware-agnostic
// descriptions: shapes, attributes and the gradient wiring; NeuronOpx.hpp and
// NeuronGradOpx.hpp lower them to Poplar.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <vector>

#include <popart/op.hpp>
#include <popart/operatoridentifier.hpp>

#include "ops/ipu/NeuronAttributes.hpp"
#include "ops/ipu/NeuronOpIds.hpp"

namespace snn_ipu {
namespace ipu {

inline const popart::OperatorIdentifier &neuronOpId() {
  static const popart::OperatorIdentifier id{kDomain, kNeuronOpName, kVersion};
  return id;
}
inline const popart::OperatorIdentifier &neuronGradOpId() {
  static const popart::OperatorIdentifier id{kDomain, kNeuronGradOpName, kVersion};
  return id;
}

class NeuronOp : public popart::Op {
public:
  NeuronOp(const popart::OperatorIdentifier &opid,
           const NeuronAttributes &attributes,
           const popart::Op::Settings &settings);

  std::unique_ptr<popart::Op> clone() const final;
  // Shape inference: checks the inputs and sets the outputs' infos.
  void setup() final;
  std::vector<std::unique_ptr<popart::Op>> getGradOps() final;
  void appendOutlineAttributes(popart::OpSerialiserBase &os) const final;
  float getSubgraphValue() const final { return getHighSubgraphValue(); }

  const NeuronAttributes &attributes() const { return attributes_; }

private:
  NeuronAttributes attributes_;
};

class NeuronGradOp : public popart::Op {
public:
  explicit NeuronGradOp(const NeuronOp &forward);

  std::unique_ptr<popart::Op> clone() const final;
  void setup() final;
  const std::vector<popart::GradInOutMapper> &gradInputInfo() const final;
  const std::map<int, int> &gradOutToNonGradIn() const final;
  // The upstream gradients: absent where the loss does not use an output.
  std::set<popart::InIndex> optionalInputs() const final;
  void appendOutlineAttributes(popart::OpSerialiserBase &os) const final;
  float getSubgraphValue() const final { return getHighSubgraphValue(); }

  const NeuronAttributes &attributes() const { return attributes_; }

private:
  NeuronAttributes attributes_;
  std::vector<popart::GradInOutMapper> gradInputs_;
  std::map<int, int> gradOutputs_;
};

} // namespace ipu
} // namespace snn_ipu
