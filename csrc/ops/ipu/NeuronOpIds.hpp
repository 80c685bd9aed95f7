// The PopART contract of the fused neuron op: domain, names, version,
// attributes, and where each input and output of a model's op and grad op
// is. snn_ipu/_lif/poptorch.py calls poptorch.custom_op with the same values
// (tests/ipu/test_op_contract.py compiles this header and checks that the two
// sides and snn_ipu/_lif/models.py agree). Pure C++: no PopART here.
#pragma once

#include <string>

#include "codelets/LifTypes.hpp"

namespace snn_ipu {
namespace ipu {

constexpr const char *kDomain = "snn_ipu";
constexpr int kVersion = 1;
constexpr const char *kNeuronOpName = "Neuron";
constexpr const char *kNeuronGradOpName = "NeuronGrad";

// Attribute names (ints, but the surrogate constants, which are floats).
constexpr const char *kAttrModel = "model";               // kModel* (LifTypes.hpp)
constexpr const char *kAttrNumSteps = "num_steps";        // T; current has T or 1 rows
constexpr const char *kAttrRecordStates = "record_states"; // 0 or 1
constexpr const char *kAttrResetMode = "reset_mode";      // kReset*
constexpr const char *kAttrResetDelay = "reset_delay";    // 0 or 1
constexpr const char *kAttrSurrogate = "surrogate";       // kSurrogate*
constexpr const char *kAttrSurrogateA = "surrogate_a";
constexpr const char *kAttrSurrogateB = "surrogate_b";

// The attributes in the order poptorch.py passes them.
struct AttributeName {
  const char *name;
  bool isFloat;
};
constexpr AttributeName kNeuronAttributes[] = {
    {kAttrModel, false},      {kAttrNumSteps, false},  {kAttrRecordStates, false},
    {kAttrResetMode, false},  {kAttrResetDelay, false}, {kAttrSurrogate, false},
    {kAttrSurrogateA, true},  {kAttrSurrogateB, true}};

// A model's name and the names of its states and parameters, in the order of
// its codelet header (their counts are modelShape's).
struct ModelNames {
  const char *model;
  const char *states[kMaxStates];
  const char *params[kMaxParams];
};
constexpr ModelNames kModelNames[kNumModels] = {
    {"leaky", {"mem"}, {"beta", "threshold", "graded_spikes_factor"}},
    {"synaptic", {"syn", "mem"}, {"alpha", "beta", "threshold"}},
    {"alpha", {"syn_exc", "syn_inh", "mem"}, {"alpha", "beta", "tau", "threshold"}},
    {"lapicque", {"mem"}, {"R", "k", "time_step", "c", "threshold"}},
    {"rleaky", {"mem", "spk"}, {"beta", "V", "threshold"}},
    {"rsynaptic", {"syn", "mem", "spk"}, {"alpha", "beta", "V", "threshold"}}};

// Where the inputs and outputs of one model's op are.
//
// Op inputs: the current [T, N] (or [1, N]: a static input read at every
// step), each initial state [N] and each parameter [1] or [N] (float32; a
// clamped parameter already clamped by the caller, so that the clamp's
// gradient mask is the framework's). Op outputs: the spikes [T, N], with
// recordStates the record [T, N] of each recorded state (current's type),
// and each final state [N] (float32).
//
// Grad op inputs: the upstream gradient of every op output, each optional
// (PopART leaves out the gradient of an output the loss does not use), then
// the op's inputs. Grad op outputs: the gradient of every op input, at the
// input's index, in its shape.
struct NeuronSignature {
  unsigned states = 0;
  unsigned recorded = 0; // records written (0 without recordStates)
  unsigned params = 0;

  constexpr int current() const { return 0; }
  constexpr int stateInit(unsigned k) const { return 1 + int(k); }
  constexpr int param(unsigned i) const { return 1 + int(states + i); }
  constexpr int numInputs() const { return 1 + int(states + params); }

  constexpr int spikes() const { return 0; }
  constexpr int record(unsigned r) const { return 1 + int(r); }
  constexpr int stateFinal(unsigned k) const { return 1 + int(recorded + k); }
  constexpr int numOutputs() const { return 1 + int(recorded + states); }

  constexpr int gradOf(int output) const { return output; }
  constexpr int forwardInput(int input) const { return numOutputs() + input; }
  constexpr int numGradInputs() const { return numOutputs() + numInputs(); }
  constexpr int gradOfInput(int input) const { return input; }
  constexpr int numGradOutputs() const { return numInputs(); }
};

constexpr NeuronSignature neuronSignature(unsigned model, bool recordStates) {
  const ModelShape shape = modelShape(model);
  return {shape.states, recordStates ? shape.recorded : 0u, shape.params};
}

// How messages and debug names call op input `index` of model `model`
// ("current", "mem_init", "beta", ...) and its op output `index` ("spikes",
// "mem_record", "mem_final", ...).
inline std::string neuronInputName(unsigned model, int index) {
  const NeuronSignature sig = neuronSignature(model, false);
  if (index == sig.current())
    return "current";
  if (index >= sig.param(0))
    return kModelNames[model].params[index - sig.param(0)];
  return std::string(kModelNames[model].states[index - sig.stateInit(0)]) + "_init";
}
inline std::string neuronOutputName(unsigned model, bool recordStates,
                                     int index) {
  const NeuronSignature sig = neuronSignature(model, recordStates);
  if (index == sig.spikes())
    return "spikes";
  const bool record = index < sig.stateFinal(0);
  const int state = index - (record ? sig.record(0) : sig.stateFinal(0));
  return std::string(kModelNames[model].states[state]) +
         (record ? "_record" : "_final");
}

} // namespace ipu
} // namespace snn_ipu
