#include "ops/ipu/NeuronOp.hpp"

#include <string>

#include <popart/error.hpp>
#include <popart/opmanager.hpp>
#include <popart/tensorindex.hpp>
#include <popart/tensorinfo.hpp>

namespace snn_ipu {
namespace ipu {

namespace {

// "current, mem_init, beta, threshold, graded_spikes_factor": the model's
// inputs, for messages.
std::string inputList(const NeuronAttributes &a) {
  std::string text;
  for (int i = 0; i < a.signature().numInputs(); ++i)
    text += (i ? ", " : "") + neuronInputName(a.model, i);
  return text;
}

std::string shapeText(const popart::Shape &shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// The op's inputs and outputs vary with the model attribute: the definition
// names the current, then the model's states and parameters as one entry.
const popart::OpDefinition::DataTypes kElementTypes = {
    popart::DataType::FLOAT16, popart::DataType::FLOAT};
const popart::OpDefinition::DataTypes kStateTypes = {popart::DataType::FLOAT};

popart::OpDefinition::Attributes neuronAttributeDefinitions() {
  popart::OpDefinition::Attributes attributes;
  for (const AttributeName &attribute : kNeuronAttributes)
    attributes.emplace(attribute.name, popart::OpDefinition::Attribute("*"));
  return attributes;
}

const popart::OpDefinition neuronOpDefinition(
    {popart::OpDefinition::Inputs(
         {{"current", kElementTypes},
          {"the model's initial states, then its parameters", kStateTypes}}),
     popart::OpDefinition::Outputs(
         {{"spikes", kElementTypes},
          {"the recorded states' records (record_states)", kElementTypes},
          {"the final states", kStateTypes}}),
     neuronAttributeDefinitions()});

const popart::OpCreator<NeuronOp> neuronOpCreator(
    popart::OpDefinitions({{neuronOpId(), neuronOpDefinition}}),
    [](const popart::OpCreatorInfo &info) -> std::unique_ptr<popart::Op> {
      return std::make_unique<NeuronOp>(
          info.opid, readNeuronAttributes(info.attributes), info.settings);
    },
    true);

} // namespace

NeuronOp::NeuronOp(const popart::OperatorIdentifier &opid,
                   const NeuronAttributes &attributes,
                   const popart::Op::Settings &settings)
    : popart::Op(opid, settings), attributes_(attributes) {}

std::unique_ptr<popart::Op> NeuronOp::clone() const {
  return std::make_unique<NeuronOp>(*this);
}

void NeuronOp::setup() {
  const NeuronAttributes &a = attributes_;
  const NeuronSignature sig = a.signature();
  const std::string op = a.opName();
  for (int i = 0; i < sig.numInputs(); ++i)
    if (!input->hasIndex(i))
      throw popart::error("{}: input {} ({}) is missing; the inputs are {}", op,
                          i, neuronInputName(a.model, i), inputList(a));
  if (static_cast<int>(inTensorCount()) != sig.numInputs())
    throw popart::error("{}: expected {} inputs ({}), got {}", op,
                        sig.numInputs(), inputList(a), inTensorCount());
  if (static_cast<int>(outTensorCount()) != sig.numOutputs())
    throw popart::error("{}: expected {} outputs (the spikes, {} records with "
                        "record_states = {}, {} final states), got {}",
                        op, sig.numOutputs(), sig.recorded, a.recordStates ? 1 : 0,
                        sig.states, outTensorCount());

  const popart::TensorInfo &current = inInfo(sig.current());
  if (current.rank() != 2)
    throw popart::error("{}: input current must be [T, N] (rank 2), got rank {}",
                        op, current.rank());
  if (current.dataType() != popart::DataType::FLOAT &&
      current.dataType() != popart::DataType::FLOAT16)
    throw popart::error("{}: input current must be float16 or float32", op);
  const std::int64_t rows = current.dim(0);
  const std::int64_t n = current.dim(1);
  if (rows != a.numSteps && rows != 1)
    throw popart::error("{}: input current has {} rows; expected num_steps = {} "
                        "(or 1 for a static input)",
                        op, rows, a.numSteps);
  if (n < 1)
    throw popart::error("{}: input current has no neurons", op);
  for (int index = sig.stateInit(0); index < sig.numInputs(); ++index) {
    const popart::TensorInfo &info = inInfo(index);
    if (info.dataType() != popart::DataType::FLOAT)
      throw popart::error("{}: input {} must be float32", op,
                          neuronInputName(a.model, index));
    const bool isParam = index >= sig.param(0);
    const bool perNeuron = info.rank() == 1 && info.dim(0) == n;
    const bool shared = info.rank() == 1 && info.nelms() == 1;
    if (!perNeuron && !(shared && isParam))
      throw popart::error("{}: input {} must have shape [{}]{}, got {}", op,
                          neuronInputName(a.model, index), n,
                          isParam ? " or [1]" : "", shapeText(info.shape()));
  }

  const popart::Shape layer = {a.numSteps, n};
  outInfo(sig.spikes()) = {current.dataType(), layer};
  for (unsigned r = 0; r < sig.recorded; ++r)
    outInfo(sig.record(r)) = {current.dataType(), layer};
  for (unsigned k = 0; k < sig.states; ++k)
    outInfo(sig.stateFinal(k)) = {popart::DataType::FLOAT, popart::Shape{n}};
}

std::vector<std::unique_ptr<popart::Op>> NeuronOp::getGradOps() {
  std::vector<std::unique_ptr<popart::Op>> ops;
  ops.push_back(std::make_unique<NeuronGradOp>(*this));
  return ops;
}

void NeuronOp::appendOutlineAttributes(popart::OpSerialiserBase &os) const {
  popart::Op::appendOutlineAttributes(os);
  appendNeuronAttributes(os, attributes_);
}

NeuronGradOp::NeuronGradOp(const NeuronOp &forward)
    : popart::Op(neuronGradOpId(), forward.getSettings()),
      attributes_(forward.attributes()) {
  const NeuronSignature sig = attributes_.signature();
  for (int output = 0; output < sig.numOutputs(); ++output)
    gradInputs_.emplace_back(sig.gradOf(output), output,
                             popart::GradOpInType::GradOut);
  for (int input = 0; input < sig.numInputs(); ++input) {
    gradInputs_.emplace_back(sig.forwardInput(input), input,
                             popart::GradOpInType::In);
    gradOutputs_.emplace(sig.gradOfInput(input), input);
  }
}

std::unique_ptr<popart::Op> NeuronGradOp::clone() const {
  return std::make_unique<NeuronGradOp>(*this);
}

void NeuronGradOp::setup() {
  // The gradient of each forward input has that input's type and shape (a
  // static input's gradient is summed over the steps in the vertex; a shared
  // parameter's is reduced in the Opx).
  const NeuronSignature sig = attributes_.signature();
  for (int input = 0; input < sig.numInputs(); ++input)
    outInfo(sig.gradOfInput(input)) = inInfo(sig.forwardInput(input));
}

const std::vector<popart::GradInOutMapper> &NeuronGradOp::gradInputInfo() const {
  return gradInputs_;
}

const std::map<int, int> &NeuronGradOp::gradOutToNonGradIn() const {
  return gradOutputs_;
}

std::set<popart::InIndex> NeuronGradOp::optionalInputs() const {
  std::set<popart::InIndex> upstream;
  const NeuronSignature sig = attributes_.signature();
  for (int output = 0; output < sig.numOutputs(); ++output)
    upstream.insert(sig.gradOf(output));
  return upstream;
}

void NeuronGradOp::appendOutlineAttributes(popart::OpSerialiserBase &os) const {
  popart::Op::appendOutlineAttributes(os);
  appendNeuronAttributes(os, attributes_);
}

} // namespace ipu
} // namespace snn_ipu
