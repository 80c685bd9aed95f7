#include "ops/ipu/LifOp.hpp"

#include <cmath>
#include <string>

#include <popart/error.hpp>
#include <popart/opmanager.hpp>
#include <popart/opserialiser.hpp>
#include <popart/tensorinfo.hpp>

#include "codelets/LifTypes.hpp"

namespace snn_ipu {
namespace ipu {

namespace {

const char *inputName(int index) {
  static const char *const names[kNumLifIn] = {
      "current", "mem_init", "decay (beta)", "threshold", "graded_spikes_factor"};
  return names[index];
}

std::string shapeText(const popart::Shape &shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

void appendLifAttributes(popart::OpSerialiserBase &os, const LifAttributes &a) {
  os.appendAttribute(kAttrNumSteps, a.numSteps);
  os.appendAttribute(kAttrResetMode, static_cast<std::int64_t>(a.resetMode));
  os.appendAttribute(kAttrResetDelay, static_cast<std::int64_t>(a.resetDelay));
  os.appendAttribute(kAttrSurrogate, static_cast<std::int64_t>(a.surrogate));
  os.appendAttribute(kAttrSurrogateA, a.surrogateA);
  os.appendAttribute(kAttrSurrogateB, a.surrogateB);
}

// Reads and checks the attributes, naming the one that is wrong.
LifAttributes readAttributes(const popart::Attributes &attrs) {
  using Int = popart::Attributes::Int;
  using Float = popart::Attributes::Float;
  LifAttributes a;
  const Int steps = attrs.getAttribute<Int>(kAttrNumSteps, 0);
  const Int reset = attrs.getAttribute<Int>(kAttrResetMode, 0);
  const Int delay = attrs.getAttribute<Int>(kAttrResetDelay, 1);
  const Int surrogate = attrs.getAttribute<Int>(kAttrSurrogate, 0);
  if (steps < 1)
    throw popart::error("snn_ipu Lif: attribute {} must be at least 1, got {}",
                        kAttrNumSteps, steps);
  if (reset < 0 || reset >= Int(kNumResetModes))
    throw popart::error("snn_ipu Lif: attribute {} must be 0 (subtract), 1 "
                        "(zero) or 2 (none), got {}",
                        kAttrResetMode, reset);
  if (delay != 0 && delay != 1)
    throw popart::error("snn_ipu Lif: attribute {} must be 0 or 1, got {}",
                        kAttrResetDelay, delay);
  if (surrogate < 0 || surrogate >= Int(kNumSurrogates))
    throw popart::error("snn_ipu Lif: attribute {} must be a surrogate id in "
                        "[0, {}), got {}",
                        kAttrSurrogate, kNumSurrogates, surrogate);
  a.numSteps = steps;
  a.resetMode = static_cast<unsigned>(reset);
  // Reset "none" ignores the delay; only its delayed vertex is instantiated.
  a.resetDelay = a.resetMode == kResetNone ? true : delay == 1;
  a.surrogate = static_cast<unsigned>(surrogate);
  a.surrogateA = attrs.getAttribute<Float>(kAttrSurrogateA, 0.0f);
  a.surrogateB = attrs.getAttribute<Float>(kAttrSurrogateB, 0.0f);
  if (!std::isfinite(a.surrogateA) || !std::isfinite(a.surrogateB))
    throw popart::error("snn_ipu Lif: attributes {} and {} must be finite",
                        kAttrSurrogateA, kAttrSurrogateB);
  return a;
}

const popart::OpDefinition::DataTypes kElementTypes = {
    popart::DataType::FLOAT16, popart::DataType::FLOAT};
const popart::OpDefinition::DataTypes kStateTypes = {popart::DataType::FLOAT};

const popart::OpDefinition lifOpDefinition(
    {popart::OpDefinition::Inputs({{"current", kElementTypes},
                                   {"mem_init", kStateTypes},
                                   {"decay", kStateTypes},
                                   {"threshold", kStateTypes},
                                   {"graded", kStateTypes}}),
     popart::OpDefinition::Outputs({{"spikes", kElementTypes},
                                    {"mem", kElementTypes},
                                    {"mem_final", kStateTypes}}),
     popart::OpDefinition::Attributes({{kAttrNumSteps, {"*"}},
                                       {kAttrResetMode, {"*"}},
                                       {kAttrResetDelay, {"*"}},
                                       {kAttrSurrogate, {"*"}},
                                       {kAttrSurrogateA, {"*"}},
                                       {kAttrSurrogateB, {"*"}}})});

const popart::OpCreator<LifOp> lifOpCreator(
    popart::OpDefinitions({{lifOpId(), lifOpDefinition}}),
    [](const popart::OpCreatorInfo &info) -> std::unique_ptr<popart::Op> {
      return std::make_unique<LifOp>(info.opid, readAttributes(info.attributes),
                                     info.settings);
    },
    true);

} // namespace

LifOp::LifOp(const popart::OperatorIdentifier &opid,
             const LifAttributes &attributes,
             const popart::Op::Settings &settings)
    : popart::Op(opid, settings), attributes_(attributes) {}

std::unique_ptr<popart::Op> LifOp::clone() const {
  return std::make_unique<LifOp>(*this);
}

void LifOp::setup() {
  const popart::TensorInfo &current = inInfo(kCurrent);
  if (current.rank() != 2)
    throw popart::error("snn_ipu Lif: input current must be [T, N] (rank 2), "
                        "got rank {}",
                        current.rank());
  const std::int64_t rows = current.dim(0);
  const std::int64_t n = current.dim(1);
  if (rows != attributes_.numSteps && rows != 1)
    throw popart::error("snn_ipu Lif: input current has {} rows; expected "
                        "num_steps = {} (or 1 for a static input)",
                        rows, attributes_.numSteps);
  if (n < 1)
    throw popart::error("snn_ipu Lif: input current has no neurons");
  for (int index = kMemInit; index < kNumLifIn; ++index) {
    const popart::TensorInfo &info = inInfo(index);
    if (info.dataType() != popart::DataType::FLOAT)
      throw popart::error("snn_ipu Lif: input {} must be float32",
                          inputName(index));
    const bool perNeuron = info.rank() == 1 && info.dim(0) == n;
    const bool shared = info.nelms() == 1 && info.rank() == 1;
    if (!perNeuron && !(shared && index != kMemInit))
      throw popart::error("snn_ipu Lif: input {} must have shape [{}]{}, got "
                          "{}",
                          inputName(index), n,
                          index == kMemInit ? "" : " or [1]",
                          shapeText(info.shape()));
  }
  const popart::Shape layer = {attributes_.numSteps, n};
  outInfo(kSpikes) = {current.dataType(), layer};
  outInfo(kMem) = {current.dataType(), layer};
  outInfo(kMemFinal) = {popart::DataType::FLOAT, popart::Shape{n}};
}

std::vector<std::unique_ptr<popart::Op>> LifOp::getGradOps() {
  std::vector<std::unique_ptr<popart::Op>> ops;
  ops.push_back(std::make_unique<LifGradOp>(*this));
  return ops;
}

void LifOp::appendOutlineAttributes(popart::OpSerialiserBase &os) const {
  popart::Op::appendOutlineAttributes(os);
  appendLifAttributes(os, attributes_);
}

LifGradOp::LifGradOp(const LifOp &forward)
    : popart::Op(lifGradOpId(), forward.getSettings()),
      attributes_(forward.attributes()) {}

std::unique_ptr<popart::Op> LifGradOp::clone() const {
  return std::make_unique<LifGradOp>(*this);
}

void LifGradOp::setup() {
  // The gradient of each forward input has that input's type and shape (a
  // static input's gradient is summed over the steps in the vertex; a shared
  // parameter's is reduced in the Opx).
  for (int index = 0; index < kNumLifIn; ++index)
    outInfo(index) = inInfo(kFwdInputs + index);
}

const std::vector<popart::GradInOutMapper> &LifGradOp::gradInputInfo() const {
  using popart::GradOpInType;
  static const std::vector<popart::GradInOutMapper> info = {
      {kGradSpikes, kSpikes, GradOpInType::GradOut},
      {kGradMem, kMem, GradOpInType::GradOut},
      {kGradMemFinal, kMemFinal, GradOpInType::GradOut},
      {kFwdInputs + kCurrent, kCurrent, GradOpInType::In},
      {kFwdInputs + kMemInit, kMemInit, GradOpInType::In},
      {kFwdInputs + kDecay, kDecay, GradOpInType::In},
      {kFwdInputs + kThreshold, kThreshold, GradOpInType::In},
      {kFwdInputs + kGraded, kGraded, GradOpInType::In}};
  return info;
}

const std::map<int, int> &LifGradOp::gradOutToNonGradIn() const {
  static const std::map<int, int> outToIn = {{kCurrent, kCurrent},
                                             {kMemInit, kMemInit},
                                             {kDecay, kDecay},
                                             {kThreshold, kThreshold},
                                             {kGraded, kGraded}};
  return outToIn;
}

std::set<popart::InIndex> LifGradOp::optionalInputs() const {
  return {kGradSpikes, kGradMem, kGradMemFinal};
}

void LifGradOp::appendOutlineAttributes(popart::OpSerialiserBase &os) const {
  popart::Op::appendOutlineAttributes(os);
  appendLifAttributes(os, attributes_);
}

} // namespace ipu
} // namespace snn_ipu
