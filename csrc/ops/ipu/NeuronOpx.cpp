#include "ops/ipu/NeuronOpx.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <poplar/Graph.hpp>
#include <poplar/Program.hpp>
#include <poplar/Tensor.hpp>
#include <popart/popx/opxmanager.hpp>

#include "ops/ipu/NeuronCodelets.hpp"
#include "ops/ipu/NeuronLayer.hpp"
#include "ops/ipu/NeuronOp.hpp"
#include "ops/ipu/PlanLayout.hpp"
#include "ops/plan/LifPlan.hpp"

namespace snn_ipu {
namespace ipu {

void NeuronOpx::grow(poplar::program::Sequence &prog) const {
  const NeuronAttributes &a = attributes();
  const NeuronSignature sig = a.signature();
  poplar::Graph &graph = this->graph();
  const poplar::Type type = getInTensor(sig.current()).elementType();
  const std::uint64_t T = static_cast<std::uint64_t>(a.numSteps);
  const LifPlan plan = planForGraph(graph, a.model, T,
                                    getInTensor(sig.current()).dim(1),
                                    elementTypeOf(type));
  addNeuronCodelets(graph);

  const PlanLayout layout(graph, plan, prog, getDebugNameAndId("layout"));
  const NeuronLayer layer = placeNeuronLayer(
      layout, a.model, [&](int input) { return getInTensor(input); });
  const poplar::Tensor spikes = layout.newRows(type, T, "spikes");
  // Without record_states there are no records: the spikes-only vertex.
  std::vector<MaybeTensor> records;
  for (unsigned r = 0; r < sig.recorded; ++r)
    records.push_back(layout.newRows(
        type, T, neuronOutputName(a.model, true, sig.record(r))));
  std::vector<MaybeTensor> finals;
  for (unsigned k = 0; k < sig.states; ++k)
    finals.push_back(layout.newNeurons(
        poplar::FLOAT, neuronOutputName(a.model, a.recordStates, sig.stateFinal(k))));

  const std::string vertex = forwardVertexName(
      a.model, type, a.resetMode, a.resetDelay, a.recordStates);
  poplar::ComputeSet cs = graph.addComputeSet(debugContext("NeuronForward"));
  for (std::uint64_t tile = 0; tile < plan.tilesUsed; ++tile) {
    poplar::VertexRef v = graph.addVertex(cs, vertex);
    connectNeuronLayer(graph, v, layout, layer, tile);
    graph.connect(v["spikes"], layout.stepEdges(spikes, tile, T));
    if (a.recordStates)
      graph.connect(v["records"],
                    layout.stackedEdges(records, poplar::Tensor(), tile, T));
    else
      graph.setFieldSize(v["records"], 0);
    graph.connect(v["stateFinal"],
                  layout.neuronEdges(finals, poplar::Tensor(), tile));
    graph.setTileMapping(v, tile);
  }
  prog.add(poplar::program::Execute(cs, debugContext("NeuronForward")));

  setOutTensor(sig.spikes(), spikes);
  for (unsigned r = 0; r < sig.recorded; ++r)
    setOutTensor(sig.record(r), *records[r]);
  for (unsigned k = 0; k < sig.states; ++k)
    setOutTensor(sig.stateFinal(k), *finals[k]);
}

namespace {
const popart::popx::OpxCreator<NeuronOpx> neuronOpxCreator(neuronOpId());
} // namespace

} // namespace ipu
} // namespace snn_ipu
