#include "ops/ipu/NeuronLayer.hpp"

namespace snn_ipu {
namespace ipu {

NeuronLayer placeNeuronLayer(const PlanLayout &layout, unsigned model,
                             const std::function<poplar::Tensor(int)> &input) {
  const NeuronSignature sig = neuronSignature(model, false);
  NeuronLayer layer;
  layer.current = layout.local(input(sig.current()), "current");
  for (unsigned k = 0; k < sig.states; ++k)
    layer.states.push_back(layout.local(input(sig.stateInit(k)),
                                        neuronInputName(model, sig.stateInit(k))));
  for (unsigned i = 0; i < sig.params; ++i)
    layer.params.push_back(layout.localParam(input(sig.param(i)),
                                             neuronInputName(model, sig.param(i))));
  return layer;
}

void connectNeuronLayer(poplar::Graph &graph, poplar::VertexRef v,
                        const PlanLayout &layout, const NeuronLayer &layer,
                        std::uint64_t tile) {
  const LifPlan &plan = layout.plan();
  std::vector<poplar::Tensor> states;
  for (const poplar::Tensor &state : layer.states)
    states.push_back(layout.columns(state, tile));
  graph.connect(v["current"], layout.stepEdges(layer.current, tile, plan.numSteps));
  graph.connect(v["stateInit"], states);
  graph.connect(v["params"], layout.paramEdges(layer.params, tile));
  graph.setInitialValue(v["numSteps"], static_cast<unsigned>(plan.numSteps));
  graph.setInitialValue(v["numNeurons"], plan.tileNeurons(tile));
  graph.setInitialValue(v["chunkNeurons"], plan.chunkNeurons);
}

} // namespace ipu
} // namespace snn_ipu
