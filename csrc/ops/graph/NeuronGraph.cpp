#include "ops/graph/NeuronGraph.hpp"

#include <string>

#include <popops/Reduce.hpp>
#include <poputil/exceptions.hpp>

#include "ops/graph/NeuronLayer.hpp"
#include "ops/graph/NeuronVertices.hpp"
#include "ops/graph/PlanLayout.hpp"
#include "ops/ipu/NeuronOpIds.hpp"

namespace snn_ipu {
namespace popsnn {

namespace {

// The options as the vertices are instantiated: reset "none" only with
// reset_delay, reset_delay=False only where the model has it.
NeuronOptions checkedOptions(const NeuronOptions &options) {
  if (options.model >= kNumModels)
    throw poputil::poplibs_error("snn_ipu neuron layer: no neuron model " +
                                 std::to_string(options.model));
  if (options.resetMode >= kNumResetModes)
    throw poputil::poplibs_error("snn_ipu neuron layer: no reset mode " +
                                 std::to_string(options.resetMode));
  if (options.surrogate >= kNumSurrogates)
    throw poputil::poplibs_error("snn_ipu neuron layer: no surrogate " +
                                 std::to_string(options.surrogate));
  NeuronOptions checked = options;
  checked.resetDelay = options.resetMode == kResetNone || options.resetDelay;
  if (!checked.resetDelay && !modelShape(options.model).hasResetDelay)
    throw poputil::poplibs_error(
        "snn_ipu neuron layer (" + std::string(ipu::kModelNames[options.model].model) +
        "): reset_delay=False is not a variant of this model");
  return checked;
}

LifPlan layerPlan(const poplar::Graph &graph, const NeuronInputs &inputs,
                  std::uint64_t numSteps, unsigned model) {
  const poplar::Tensor &current = inputs.current;
  if (current.rank() != 2 || (current.dim(0) != numSteps && current.dim(0) != 1))
    throw poputil::poplibs_error(
        "snn_ipu neuron layer: current must be [numSteps, N] or [1, N] with "
        "numSteps " + std::to_string(numSteps));
  return neuronPlan(graph.getTarget(), model, numSteps, current.dim(1),
                    current.elementType());
}

std::string outputName(const NeuronOptions &options, int index) {
  return ipu::neuronOutputName(options.model, options.recordStates, index);
}

// A parameter's gradient in its own shape: the vertices write per-neuron
// partials; a parameter shared by all neurons gets their sum.
poplar::Tensor reduceToParam(poplar::Graph &graph, const poplar::Tensor &partials,
                             const poplar::Tensor &param,
                             poplar::program::Sequence &prog,
                             const poplar::DebugContext &dc) {
  if (param.numElements() != 1 || partials.numElements() == 1)
    return partials.reshape(param.shape());
  return popops::reduce(graph, partials, {0}, {popops::Operation::ADD}, prog, dc)
      .reshape(param.shape());
}

} // namespace

LifPlan neuronPlan(const poplar::Target &target, unsigned model,
                   std::uint64_t numSteps, std::uint64_t numNeurons,
                   const poplar::Type &type) {
  return planForTarget(target, model, numSteps, numNeurons, elementTypeOf(type));
}

NeuronForwardOutputs neuronForward(poplar::Graph &graph,
                                   const NeuronInputs &inputs,
                                   std::uint64_t numSteps,
                                   const NeuronOptions &options,
                                   poplar::program::Sequence &prog,
                                   const poplar::DebugContext &debugContext) {
  const NeuronOptions o = checkedOptions(options);
  const ipu::NeuronSignature sig = ipu::neuronSignature(o.model, o.recordStates);
  const poplar::Type type = inputs.current.elementType();
  const std::uint64_t T = numSteps;
  const LifPlan plan = layerPlan(graph, inputs, T, o.model);
  const poplar::DebugContext dc(debugContext, "NeuronForward");

  const PlanLayout layout(graph, plan, prog, dc);
  const NeuronLayer layer = placeNeuronLayer(layout, o.model, inputs);
  NeuronForwardOutputs out;
  out.spikes = layout.newRows(type, T, "spikes");
  // Without recordStates there are no records: the spikes-only vertex.
  std::vector<MaybeTensor> records;
  for (unsigned r = 0; r < sig.recorded; ++r)
    records.push_back(layout.newRows(type, T, outputName(o, sig.record(r))));
  std::vector<MaybeTensor> finals;
  for (unsigned k = 0; k < sig.states; ++k)
    finals.push_back(
        layout.newNeurons(poplar::FLOAT, outputName(o, sig.stateFinal(k))));

  const std::string vertex = forwardVertexName(o.model, type, o.resetMode,
                                               o.resetDelay, o.recordStates);
  poplar::ComputeSet cs = graph.addComputeSet(dc);
  for (std::uint64_t tile = 0; tile < plan.tilesUsed; ++tile) {
    poplar::VertexRef v = graph.addVertex(cs, vertex);
    connectNeuronLayer(graph, v, layout, layer, tile);
    graph.connect(v["spikes"], layout.stepEdges(out.spikes, tile, T));
    if (o.recordStates)
      graph.connect(v["records"],
                    layout.stackedEdges(records, poplar::Tensor(), tile, T));
    else
      graph.setFieldSize(v["records"], 0);
    graph.connect(v["stateFinal"],
                  layout.neuronEdges(finals, poplar::Tensor(), tile));
    graph.setTileMapping(v, tile);
  }
  prog.add(poplar::program::Execute(cs, dc));

  for (const MaybeTensor &record : records)
    out.records.push_back(*record);
  for (const MaybeTensor &final : finals)
    out.stateFinal.push_back(*final);
  return out;
}

NeuronBackwardOutputs neuronBackward(poplar::Graph &graph,
                                     const NeuronInputs &inputs,
                                     const NeuronUpstream &upstream,
                                     std::uint64_t numSteps,
                                     const NeuronOptions &options,
                                     poplar::program::Sequence &prog,
                                     const poplar::DebugContext &debugContext) {
  const NeuronOptions o = checkedOptions(options);
  const ipu::NeuronSignature sig = ipu::neuronSignature(o.model, o.recordStates);
  const ModelShape shape = modelShape(o.model);
  const poplar::Type type = inputs.current.elementType();
  const std::uint64_t T = numSteps;
  // A static input has one row, read at every step; its gradient is summed
  // over the steps in the vertex (one gradCurrent edge).
  const std::uint64_t currentRows = inputs.current.dim(0);
  const bool constantCurrent = currentRows != T;
  const LifPlan plan = layerPlan(graph, inputs, T, o.model);
  const poplar::DebugContext dc(debugContext, "NeuronBackward");

  const PlanLayout layout(graph, plan, prog, dc);
  const NeuronLayer layer = placeNeuronLayer(layout, o.model, inputs);

  // The upstream gradients given, in the plan's layout; the vertex reads
  // zeros for the others (and for every record without recordStates: it
  // always reads the model's recorded states' gradients).
  const auto local = [&](const std::vector<std::optional<poplar::Tensor>> &given,
                         unsigned i, int output) -> MaybeTensor {
    if (i >= given.size() || !given[i])
      return std::nullopt;
    return layout.local(*given[i], "grad_" + outputName(o, output));
  };
  const MaybeTensor gradSpikes =
      upstream.spikes ? layout.local(*upstream.spikes, "grad_spikes") : MaybeTensor();
  std::vector<MaybeTensor> gradRecords(shape.recorded);
  for (unsigned r = 0; r < sig.recorded; ++r)
    gradRecords[r] = local(upstream.records, r, sig.record(r));
  std::vector<MaybeTensor> gradFinals;
  for (unsigned k = 0; k < sig.states; ++k)
    gradFinals.push_back(local(upstream.stateFinal, k, sig.stateFinal(k)));
  bool allRows = gradSpikes.has_value(), allFinals = true;
  for (const MaybeTensor &g : gradRecords)
    allRows = allRows && g.has_value();
  for (const MaybeTensor &g : gradFinals)
    allFinals = allFinals && g.has_value();
  const poplar::Tensor zeroRows =
      allRows ? poplar::Tensor() : layout.zeros(type, "zeroRows");
  const poplar::Tensor zeroStates =
      allFinals ? poplar::Tensor() : layout.zeros(poplar::FLOAT, "zeroStates");

  NeuronBackwardOutputs out;
  const poplar::Tensor gradCurrent =
      layout.newRows(type, currentRows, "grad_current");
  std::vector<MaybeTensor> gradInit, gradParams;
  for (unsigned k = 0; k < sig.states; ++k)
    gradInit.push_back(layout.newNeurons(
        poplar::FLOAT, "grad_" + ipu::neuronInputName(o.model, sig.stateInit(k))));
  for (unsigned i = 0; i < sig.params; ++i)
    gradParams.push_back(layout.newNeurons(
        poplar::FLOAT, "grad_" + ipu::neuronInputName(o.model, sig.param(i))));
  const poplar::Tensor scratch = layout.perTile(
      poplar::FLOAT, vertexScratchElements(plan, o.resetDelay), "scratch");

  const std::string vertex = backwardVertexName(o.model, type, o.resetMode,
                                                o.resetDelay, o.surrogate);
  poplar::ComputeSet cs = graph.addComputeSet(dc);
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
    // The parameters' gradients are always produced.
    graph.setInitialValue(v["paramGrads"], 1u);
    graph.setInitialValue(v["surrogate"], o.surrogate);
    graph.setInitialValue(v["surrogateA"], o.surrogateA);
    graph.setInitialValue(v["surrogateB"], o.surrogateB);
    graph.setTileMapping(v, tile);
  }
  prog.add(poplar::program::Execute(cs, dc));

  out.current = gradCurrent;
  for (const MaybeTensor &g : gradInit)
    out.stateInit.push_back(*g);
  for (unsigned i = 0; i < sig.params; ++i) {
    const std::string name = "grad_" + ipu::neuronInputName(o.model, sig.param(i));
    out.paramPartials.push_back(*gradParams[i]);
    out.params.push_back(reduceToParam(graph, *gradParams[i], inputs.params[i],
                                       prog, {dc, name}));
  }
  return out;
}

} // namespace popsnn
} // namespace snn_ipu
