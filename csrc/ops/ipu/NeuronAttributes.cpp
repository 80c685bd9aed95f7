#include "ops/ipu/NeuronAttributes.hpp"

#include <cmath>

#include <popart/error.hpp>

namespace snn_ipu {
namespace ipu {

namespace {

using Int = popart::Attributes::Int;
using Float = popart::Attributes::Float;

constexpr const char *kOpName = "snn_ipu Neuron";

// Every attribute is required: snn_ipu/_lif/poptorch.py always passes all.
template <typename T>
T required(const popart::Attributes &attrs, const std::string &op,
           const char *name) {
  if (!attrs.hasAttribute(name))
    throw popart::error("{}: attribute {} is missing", op, name);
  return attrs.getAttribute<T>(name);
}

bool requiredFlag(const popart::Attributes &attrs, const std::string &op,
                  const char *name) {
  const Int value = required<Int>(attrs, op, name);
  if (value != 0 && value != 1)
    throw popart::error("{}: attribute {} must be 0 or 1, got {}", op, name,
                        value);
  return value == 1;
}

// "0 (leaky), 1 (synaptic), ...": the ids the model attribute takes.
std::string modelIds() {
  std::string text;
  for (unsigned id = 0; id < kNumModels; ++id)
    text += (id ? ", " : "") + std::to_string(id) + " (" + kModelNames[id].model + ")";
  return text;
}

} // namespace

std::string NeuronAttributes::opName() const {
  if (model >= kNumModels)
    return kOpName;
  return std::string(kOpName) + " (" + kModelNames[model].model + ")";
}

NeuronAttributes readNeuronAttributes(const popart::Attributes &attrs) {
  NeuronAttributes a;
  const Int model = required<Int>(attrs, kOpName, kAttrModel);
  if (model < 0 || model >= Int(kNumModels))
    throw popart::error("{}: attribute {} must be a neuron model id, {}; got {}",
                        kOpName, kAttrModel, modelIds(), model);
  a.model = static_cast<unsigned>(model);
  const std::string op = a.opName();

  const Int steps = required<Int>(attrs, op, kAttrNumSteps);
  if (steps < 1)
    throw popart::error("{}: attribute {} must be at least 1, got {}", op,
                        kAttrNumSteps, steps);
  a.numSteps = steps;
  a.recordStates = requiredFlag(attrs, op, kAttrRecordStates);

  const Int reset = required<Int>(attrs, op, kAttrResetMode);
  if (reset < 0 || reset >= Int(kNumResetModes))
    throw popart::error("{}: attribute {} must be 0 (subtract), 1 (zero) or 2 "
                        "(none), got {}",
                        op, kAttrResetMode, reset);
  a.resetMode = static_cast<unsigned>(reset);
  const bool delay = requiredFlag(attrs, op, kAttrResetDelay);
  // Reset "none" ignores the delay; only its delayed vertex is instantiated.
  a.resetDelay = a.resetMode == kResetNone || delay;
  if (!a.resetDelay && !modelShape(a.model).hasResetDelay)
    throw popart::error("{}: attribute {} is 0, but reset_delay=False is not a "
                        "variant of this model (its reset always acts on the "
                        "next step)",
                        op, kAttrResetDelay);

  const Int surrogate = required<Int>(attrs, op, kAttrSurrogate);
  if (surrogate < 0 || surrogate >= Int(kNumSurrogates))
    throw popart::error("{}: attribute {} must be a surrogate id in [0, {}), "
                        "got {}",
                        op, kAttrSurrogate, kNumSurrogates, surrogate);
  a.surrogate = static_cast<unsigned>(surrogate);
  a.surrogateA = required<Float>(attrs, op, kAttrSurrogateA);
  a.surrogateB = required<Float>(attrs, op, kAttrSurrogateB);
  if (!std::isfinite(a.surrogateA) || !std::isfinite(a.surrogateB))
    throw popart::error("{}: attributes {} and {} must be finite, got {} and {}",
                        op, kAttrSurrogateA, kAttrSurrogateB, a.surrogateA,
                        a.surrogateB);
  return a;
}

void appendNeuronAttributes(popart::OpSerialiserBase &os,
                            const NeuronAttributes &a) {
  os.appendAttribute(kAttrModel, static_cast<std::int64_t>(a.model));
  os.appendAttribute(kAttrNumSteps, a.numSteps);
  os.appendAttribute(kAttrRecordStates, static_cast<std::int64_t>(a.recordStates));
  os.appendAttribute(kAttrResetMode, static_cast<std::int64_t>(a.resetMode));
  os.appendAttribute(kAttrResetDelay, static_cast<std::int64_t>(a.resetDelay));
  os.appendAttribute(kAttrSurrogate, static_cast<std::int64_t>(a.surrogate));
  os.appendAttribute(kAttrSurrogateA, a.surrogateA);
  os.appendAttribute(kAttrSurrogateB, a.surrogateB);
}

} // namespace ipu
} // namespace snn_ipu
