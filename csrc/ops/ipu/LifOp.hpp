// The fused LIF as PopART ops: LifOp (forward, all time steps) and LifGradOp
// (surrogate-gradient BPTT, all time steps). Hardware-agnostic descriptions:
// shapes, attributes and the gradient wiring; LifOpx.hpp lowers them to
// Poplar.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include <popart/op.hpp>

#include "ops/ipu/LifOpIds.hpp"

namespace snn_ipu {
namespace ipu {

struct LifAttributes {
  std::int64_t numSteps = 1;
  unsigned resetMode = 0;
  bool resetDelay = true; // always true for reset "none" (its only instance)
  unsigned surrogate = 0;
  float surrogateA = 0.0f;
  float surrogateB = 0.0f;
};

class LifOp : public popart::Op {
public:
  LifOp(const popart::OperatorIdentifier &opid, const LifAttributes &attributes,
        const popart::Op::Settings &settings);

  std::unique_ptr<popart::Op> clone() const final;
  // Shape inference: checks the inputs and sets the outputs' infos.
  void setup() final;
  std::vector<std::unique_ptr<popart::Op>> getGradOps() final;
  void appendOutlineAttributes(popart::OpSerialiserBase &os) const final;
  float getSubgraphValue() const final { return getHighSubgraphValue(); }

  const LifAttributes &attributes() const { return attributes_; }

private:
  LifAttributes attributes_;
};

class LifGradOp : public popart::Op {
public:
  explicit LifGradOp(const LifOp &forward);

  std::unique_ptr<popart::Op> clone() const final;
  void setup() final;
  const std::vector<popart::GradInOutMapper> &gradInputInfo() const final;
  const std::map<int, int> &gradOutToNonGradIn() const final;
  // The three output gradients: absent where the loss does not use an output.
  std::set<popart::InIndex> optionalInputs() const final;
  void appendOutlineAttributes(popart::OpSerialiserBase &os) const final;
  float getSubgraphValue() const final { return getHighSubgraphValue(); }

  const LifAttributes &attributes() const { return attributes_; }

private:
  LifAttributes attributes_;
};

} // namespace ipu
} // namespace snn_ipu
