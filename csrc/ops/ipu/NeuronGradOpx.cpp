#include "ops/ipu/NeuronOpx.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <poplar/Graph.hpp>
#include <poplar/Program.hpp>
#include <poplar/Tensor.hpp>
#include <popart/popx/opxmanager.hpp>
#include <popops/Reduce.hpp>

#include "ops/ipu/NeuronCodelets.hpp"
#include "ops/ipu/NeuronLayer.hpp"
#include "ops/ipu/NeuronOp.hpp"
#include "ops/ipu/PlanLayout.hpp"
#include "ops/plan/LifPlan.hpp"

namespace snn_ipu {
namespace ipu {

namespace {

// A parameter's gradient in its own shape: the vertices write per-neuron
// partials; a parameter shared by all neurons gets their sum.
poplar::Tensor reduceToParam(poplar::Graph &graph, const poplar::Tensor &partials,
                             std::int64_t paramElements,
                             poplar::program::Sequence &prog,
                             const poplar::DebugContext &dc) {
  if (paramElements != 1 || partials.numElements() == 1)
    return partials;
  return popops::reduce(graph, partials, {0}, {popops::Operation::ADD}, prog, dc)
      .reshape({1});
}

} // namespace

void NeuronGradOpx::grow(poplar::program::Sequence &prog) const {
  const NeuronAttributes &a = attributes();
  const NeuronSignature sig = a.signature();
  const ModelShape shape = modelShape(a.model);
  poplar::Graph &graph = this->graph();
  const poplar::Tensor current = getInTensor(sig.forwardInput(sig.current()));
  const poplar::Type type = current.elementType();
  const std::uint64_t T = static_cast<std::uint64_t>(a.numSteps);
  // A static input has one row, read at every step; its gradient is summed
  // over the steps in the vertex (one gradCurrent edge).
  const std::uint64_t currentRows = current.dim(0);
  const bool constantCurrent = currentRows != T;
  const LifPlan plan =
      planForGraph(graph, a.model, T, current.dim(1), elementTypeOf(type));
  addNeuronCodelets(graph);

  const PlanLayout layout(graph, plan, prog, getDebugNameAndId("layout"));
  const NeuronLayer layer =
      placeNeuronLayer(layout, a.model, [&](int input) {
        return getInTensor(sig.forwardInput(input));
      });

  // The upstream gradients that PopART passes, in the plan's layout; the
  // vertex reads zeros for the others (and for every record without
  // record_states: it always reads the model's recorded states' gradients).
  const auto upstream = [&](int output) -> MaybeTensor {
    if (!hasInput(sig.gradOf(output)))
      return std::nullopt;
    return layout.local(getInTensor(sig.gradOf(output)),
                        "grad_" + neuronOutputName(a.model, a.recordStates, output));
  };
  const MaybeTensor gradSpikes = upstream(sig.spikes());
  std::vector<MaybeTensor> gradRecords(shape.recorded);
  for (unsigned r = 0; r < sig.recorded; ++r)
    gradRecords[r] = upstream(sig.record(r));
  std::vector<MaybeTensor> gradFinals;
  for (unsigned k = 0; k < sig.states; ++k)
    gradFinals.push_back(upstream(sig.stateFinal(k)));
  bool allRows = gradSpikes.has_value(), allFinals = true;
  for (const MaybeTensor &g : gradRecords)
    allRows = allRows && g.has_value();
  for (const MaybeTensor &g : gradFinals)
    allFinals = allFinals && g.has_value();
  const poplar::Tensor zeroRows =
      allRows ? poplar::Tensor() : layout.zeros(type, "zeroRows");
  const poplar::Tensor zeroStates =
      allFinals ? poplar::Tensor() : layout.zeros(poplar::FLOAT, "zeroStates");

  const poplar::Tensor gradCurrent =
      layout.newRows(type, currentRows, "grad_current");
  std::vector<MaybeTensor> gradInit, gradParams;
  for (unsigned k = 0; k < sig.states; ++k)
    gradInit.push_back(layout.newNeurons(
        poplar::FLOAT, "grad_" + neuronInputName(a.model, sig.stateInit(k))));
  for (unsigned i = 0; i < sig.params; ++i)
    gradParams.push_back(layout.newNeurons(
        poplar::FLOAT, "grad_" + neuronInputName(a.model, sig.param(i))));
  const poplar::Tensor scratch = layout.perTile(
      poplar::FLOAT, vertexScratchElements(plan, a.resetDelay), "scratch");

  const std::string vertex = backwardVertexName(a.model, type, a.resetMode,
                                                a.resetDelay, a.surrogate);
  poplar::ComputeSet cs = graph.addComputeSet(debugContext("NeuronBackward"));
  for (std::uint64_t tile = 0; tile < plan.tilesUsed; ++tile) {
    poplar::VertexRef v = graph.addVertex(cs, vertex);
    connectNeuronLayer(graph, v, layout, layer, tile);
    graph.connect(v["gradSpikes"],
                  layout.stackedEdges({gradSpikes}, zeroRows, tile, T));
    graph.connect(v["gradRecords"],
                  layout.stackedEdges(gradRecords, zeroRows, tile, T));
    graph.connect(v["gradStateFinal"],
                  layout.neuronEdges(gradFinals, zeroStates, tile));
    graph.connect(v["gradCurrent"],
                  layout.stepEdges(gradCurrent, tile, currentRows));
    graph.connect(v["gradStateInit"],
                  layout.neuronEdges(gradInit, poplar::Tensor(), tile));
    graph.connect(v["gradParams"],
                  layout.neuronEdges(gradParams, poplar::Tensor(), tile));
    graph.connect(v["scratch"], layout.rowOf(scratch, tile));
    graph.setInitialValue(v["constantCurrent"], constantCurrent ? 1u : 0u);
    // The grad op always produces the parameters' gradients.
    graph.setInitialValue(v["paramGrads"], 1u);
    graph.setInitialValue(v["surrogate"], a.surrogate);
    graph.setInitialValue(v["surrogateA"], a.surrogateA);
    graph.setInitialValue(v["surrogateB"], a.surrogateB);
    graph.setTileMapping(v, tile);
  }
  prog.add(poplar::program::Execute(cs, debugContext("NeuronBackward")));

  setOutTensor(sig.gradOfInput(sig.current()), gradCurrent);
  for (unsigned k = 0; k < sig.states; ++k)
    setOutTensor(sig.gradOfInput(sig.stateInit(k)), *gradInit[k]);
  for (unsigned i = 0; i < sig.params; ++i) {
    const int input = sig.param(i);
    const std::string name = "grad_" + neuronInputName(a.model, input);
    setOutTensor(sig.gradOfInput(input),
                 reduceToParam(graph, *gradParams[i],
                               inInfo(sig.forwardInput(input)).nelms(), prog,
                               debugContext(name)));
  }
}

namespace {
const popart::popx::OpxCreator<NeuronGradOpx> neuronGradOpxCreator(neuronGradOpId());
} // namespace

} // namespace ipu
} // namespace snn_ipu
