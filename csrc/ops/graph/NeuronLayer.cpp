#include "ops/graph/NeuronLayer.hpp"

#include <string>

#include <poputil/exceptions.hpp>

#include "ops/ipu/NeuronOpIds.hpp"

namespace snn_ipu {
namespace popsnn {

namespace {

// Refuses inputs the vertices would misread, naming the input.
void requireShape(bool ok, unsigned model, int input, const std::string &expected,
                  const poplar::Tensor &tensor) {
  if (ok)
    return;
  std::string shape;
  for (const std::size_t d : tensor.shape())
    shape += (shape.empty() ? "" : ", ") + std::to_string(d);
  throw poputil::poplibs_error(
      "snn_ipu neuron layer (" + std::string(ipu::kModelNames[model].model) +
      "): " + ipu::neuronInputName(model, input) + " must be " + expected +
      ", got shape [" + shape + "]");
}

} // namespace

NeuronLayer placeNeuronLayer(const PlanLayout &layout, unsigned model,
                             const NeuronInputs &inputs) {
  const ModelShape shape = modelShape(model);
  const ipu::NeuronSignature sig = ipu::neuronSignature(model, false);
  const std::uint64_t n = layout.plan().numNeurons;
  if (inputs.stateInit.size() != shape.states || inputs.params.size() != shape.params)
    throw poputil::poplibs_error(
        "snn_ipu neuron layer (" + std::string(ipu::kModelNames[model].model) +
        "): expected " + std::to_string(shape.states) + " initial states and " +
        std::to_string(shape.params) + " parameters, got " +
        std::to_string(inputs.stateInit.size()) + " and " +
        std::to_string(inputs.params.size()));
  requireShape(inputs.current.rank() == 2 && inputs.current.dim(1) == n, model,
               sig.current(), "[T or 1, N]", inputs.current);
  NeuronLayer layer;
  layer.current = layout.local(inputs.current, "current");
  for (unsigned k = 0; k < shape.states; ++k) {
    const poplar::Tensor &state = inputs.stateInit[k];
    requireShape(state.rank() == 1 && state.numElements() == n &&
                     state.elementType() == poplar::FLOAT,
                 model, sig.stateInit(k), "float [N]", state);
    layer.states.push_back(
        layout.local(state, ipu::neuronInputName(model, sig.stateInit(k))));
  }
  for (unsigned i = 0; i < shape.params; ++i) {
    const poplar::Tensor &param = inputs.params[i];
    requireShape((param.numElements() == 1 || param.numElements() == n) &&
                     param.elementType() == poplar::FLOAT,
                 model, sig.param(i), "float [1] or [N]", param);
    layer.params.push_back(
        layout.localParam(param, ipu::neuronInputName(model, sig.param(i))));
  }
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

} // namespace popsnn
} // namespace snn_ipu
