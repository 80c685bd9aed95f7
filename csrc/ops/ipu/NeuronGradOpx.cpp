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

void NeuronGradOpx::grow(poplar::program::Sequence &prog) const {
  const NeuronAttributes &a = attributes();
  const NeuronSignature sig = a.signature();
  addNeuronCodelets(graph());
  // The upstream gradients PopART passes; it leaves out those of outputs the
  // loss does not use, which the graph function reads as zeros.
  const auto upstream = [&](int output) -> std::optional<poplar::Tensor> {
    if (!hasInput(sig.gradOf(output)))
      return std::nullopt;
    return getInTensor(sig.gradOf(output));
  };
  popsnn::NeuronUpstream grads;
  grads.spikes = upstream(sig.spikes());
  for (unsigned r = 0; r < sig.recorded; ++r)
    grads.records.push_back(upstream(sig.record(r)));
  for (unsigned k = 0; k < sig.states; ++k)
    grads.stateFinal.push_back(upstream(sig.stateFinal(k)));

  const popsnn::NeuronBackwardOutputs out = rethrowAsPopartError(a, [&] {
    return popsnn::neuronBackward(
        graph(),
        neuronInputs(sig, [&](int i) { return getInTensor(sig.forwardInput(i)); }),
        grads, static_cast<std::uint64_t>(a.numSteps), neuronOptions(a), prog,
        debugContext("NeuronGrad"));
  });
  setOutTensor(sig.gradOfInput(sig.current()), out.current);
  for (unsigned k = 0; k < sig.states; ++k)
    setOutTensor(sig.gradOfInput(sig.stateInit(k)), out.stateInit[k]);
  for (unsigned i = 0; i < sig.params; ++i)
    setOutTensor(sig.gradOfInput(sig.param(i)), out.params[i]);
}

namespace {
const popart::popx::OpxCreator<NeuronGradOpx> neuronGradOpxCreator(neuronGradOpId());
} // namespace

} // namespace ipu
} // namespace snn_ipu
