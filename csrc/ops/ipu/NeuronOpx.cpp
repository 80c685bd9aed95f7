#include "ops/ipu/NeuronOpx.hpp"

#include <poplar/Graph.hpp>
#include <poplar/Program.hpp>
#include <poplar/Tensor.hpp>
#include <popart/popx/opxmanager.hpp>

#include "ops/graph/NeuronGraph.hpp"
#include "ops/ipu/NeuronCodelets.hpp"
#include "ops/ipu/NeuronOp.hpp"

namespace snn_ipu {
namespace ipu {

popsnn::NeuronOptions neuronOptions(const NeuronAttributes &a) {
  popsnn::NeuronOptions options;
  options.model = a.model;
  options.resetMode = a.resetMode;
  options.resetDelay = a.resetDelay;
  options.recordStates = a.recordStates;
  options.surrogate = a.surrogate;
  options.surrogateA = a.surrogateA;
  options.surrogateB = a.surrogateB;
  return options;
}

popsnn::NeuronInputs neuronInputs(const NeuronSignature &sig,
                                  const std::function<poplar::Tensor(int)> &input) {
  popsnn::NeuronInputs inputs;
  inputs.current = input(sig.current());
  for (unsigned k = 0; k < sig.states; ++k)
    inputs.stateInit.push_back(input(sig.stateInit(k)));
  for (unsigned i = 0; i < sig.params; ++i)
    inputs.params.push_back(input(sig.param(i)));
  return inputs;
}

void NeuronOpx::grow(poplar::program::Sequence &prog) const {
  const NeuronAttributes &a = attributes();
  const NeuronSignature sig = a.signature();
  addNeuronCodelets(graph());
  const popsnn::NeuronForwardOutputs out = rethrowAsPopartError(a, [&] {
    return popsnn::neuronForward(
        graph(), neuronInputs(sig, [&](int i) { return getInTensor(i); }),
        static_cast<std::uint64_t>(a.numSteps), neuronOptions(a), prog,
        debugContext("Neuron"));
  });
  setOutTensor(sig.spikes(), out.spikes);
  for (unsigned r = 0; r < sig.recorded; ++r)
    setOutTensor(sig.record(r), out.records[r]);
  for (unsigned k = 0; k < sig.states; ++k)
    setOutTensor(sig.stateFinal(k), out.stateFinal[k]);
}

namespace {
const popart::popx::OpxCreator<NeuronOpx> neuronOpxCreator(neuronOpId());
} // namespace

} // namespace ipu
} // namespace snn_ipu
