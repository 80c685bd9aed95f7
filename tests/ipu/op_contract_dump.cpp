// Prints the neuron op's contract as csrc/ops/ipu/NeuronOpIds.hpp states it,
// as JSON, for tests/ipu/test_op_contract.py: the identity, the attributes,
// and for every model its shape and, with and without record_states, the
// name at every position of the op's and the grad op's inputs and outputs,
// placed by the signature's position functions.
#include <cstdio>
#include <string>
#include <vector>

#include "ops/ipu/NeuronOpIds.hpp"

using namespace snn_ipu;
using namespace snn_ipu::ipu;

namespace {

std::string quoted(const std::string &text) { return "\"" + text + "\""; }

std::string list(const std::vector<std::string> &items) {
  std::string text = "[";
  for (std::size_t i = 0; i < items.size(); ++i)
    text += (i ? ", " : "") + items[i];
  return text + "]";
}

// Names placed at `index`; a position left unnamed prints as null, one named
// twice as "twice", so that the test sees a signature that overlaps.
struct Positions {
  std::vector<std::string> names;
  explicit Positions(int count) : names(count, "null") {}
  void place(int index, const std::string &name) {
    if (index < 0 || index >= int(names.size()))
      names.push_back(quoted("out of range: " + name));
    else
      names[index] = names[index] == "null" ? quoted(name) : quoted("twice");
  }
};

std::string signatureJson(unsigned model, bool record) {
  const NeuronSignature sig = neuronSignature(model, record);
  const ModelNames &names = kModelNames[model];
  std::vector<std::string> inputNames(sig.numInputs()), outputNames(sig.numOutputs());
  Positions inputs(sig.numInputs()), outputs(sig.numOutputs());
  inputs.place(sig.current(), "current");
  for (unsigned k = 0; k < sig.states; ++k)
    inputs.place(sig.stateInit(k), std::string(names.states[k]) + "_init");
  for (unsigned i = 0; i < sig.params; ++i)
    inputs.place(sig.param(i), names.params[i]);
  outputs.place(sig.spikes(), "spikes");
  for (unsigned r = 0; r < sig.recorded; ++r)
    outputs.place(sig.record(r), std::string(names.states[r]) + "_record");
  for (unsigned k = 0; k < sig.states; ++k)
    outputs.place(sig.stateFinal(k), std::string(names.states[k]) + "_final");

  Positions gradInputs(sig.numGradInputs()), gradOutputs(sig.numGradOutputs());
  for (int o = 0; o < sig.numOutputs(); ++o)
    gradInputs.place(sig.gradOf(o), "grad_" + neuronOutputName(model, record, o));
  for (int i = 0; i < sig.numInputs(); ++i) {
    gradInputs.place(sig.forwardInput(i), neuronInputName(model, i));
    gradOutputs.place(sig.gradOfInput(i), "grad_" + neuronInputName(model, i));
  }
  // The names messages use (neuronInputName, neuronOutputName), in order.
  for (int i = 0; i < sig.numInputs(); ++i)
    inputNames[i] = quoted(neuronInputName(model, i));
  for (int o = 0; o < sig.numOutputs(); ++o)
    outputNames[o] = quoted(neuronOutputName(model, record, o));
  return "{\"inputs\": " + list(inputs.names) + ", \"outputs\": " +
         list(outputs.names) + ", \"grad_inputs\": " + list(gradInputs.names) +
         ", \"grad_outputs\": " + list(gradOutputs.names) +
         ", \"input_names\": " + list(inputNames) +
         ", \"output_names\": " + list(outputNames) + "}";
}

std::string modelJson(unsigned model) {
  const ModelShape shape = modelShape(model);
  const ModelNames &names = kModelNames[model];
  std::vector<std::string> states, params;
  for (unsigned k = 0; k < shape.states; ++k)
    states.push_back(quoted(names.states[k]));
  for (unsigned i = 0; i < shape.params; ++i)
    params.push_back(quoted(names.params[i]));
  return quoted(names.model) + ": {\"id\": " + std::to_string(model) +
         ", \"states\": " + list(states) + ", \"recorded\": " +
         std::to_string(shape.recorded) + ", \"params\": " + list(params) +
         ", \"reset_delay\": " + (shape.hasResetDelay ? "true" : "false") +
         ", \"record\": " + signatureJson(model, true) +
         ", \"spikes_only\": " + signatureJson(model, false) + "}";
}

} // namespace

int main() {
  std::vector<std::string> attributes, models;
  for (const AttributeName &attribute : kNeuronAttributes)
    attributes.push_back("[" + quoted(attribute.name) + ", " +
                         quoted(attribute.isFloat ? "float" : "int") + "]");
  for (unsigned model = 0; model < kNumModels; ++model)
    models.push_back(modelJson(model));
  std::printf("{\"domain\": %s, \"op\": %s, \"grad_op\": %s, \"version\": %d,\n"
              " \"attributes\": %s,\n \"models\": {%s}}\n",
              quoted(kDomain).c_str(), quoted(kNeuronOpName).c_str(),
              quoted(kNeuronGradOpName).c_str(), kVersion,
              list(attributes).c_str(), [&] {
                std::string text;
                for (std::size_t i = 0; i < models.size(); ++i)
                  text += (i ? ",\n  " : "") + models[i];
                return text;
              }().c_str());
  return 0;
}
