#include "ops/ipu/LifOpx.hpp"

#include <cstdint>
#include <string>

#include <poplar/Graph.hpp>
#include <poplar/Program.hpp>
#include <poplar/Tensor.hpp>
#include <popart/popx/opxmanager.hpp>
#include <popops/Reduce.hpp>

#include "ops/ipu/LifCodelets.hpp"
#include "ops/ipu/LifOp.hpp"
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

const popart::popx::OpxCreator<LifOpx> lifOpxCreator(lifOpId());
const popart::popx::OpxCreator<LifGradOpx> lifGradOpxCreator(lifGradOpId());

} // namespace

LifOpx::LifOpx(popart::Op *op, popart::popx::Devicex *devicex)
    : popart::popx::Opx(op, devicex) {
  verifyOp<LifOp>(op, lifOpId());
}

void LifOpx::grow(poplar::program::Sequence &prog) const {
  const LifAttributes &a = getOp<LifOp>().attributes();
  poplar::Graph &graph = this->graph();
  const poplar::Tensor current = getInTensor(kCurrent);
  const poplar::Type type = current.elementType();
  const std::uint64_t T = static_cast<std::uint64_t>(a.numSteps);
  const LifPlan plan = planForGraph(graph, T, current.dim(1), elementTypeOf(type));
  addLifCodelets(graph);

  const PlanLayout layout(graph, plan, prog, getDebugNameAndId("layout"));
  const poplar::Tensor x = layout.local(current, "current");
  const poplar::Tensor memInit = layout.local(getInTensor(kMemInit), "memInit");
  const TileParam decay = layout.localParam(getInTensor(kDecay), "decay");
  const TileParam threshold =
      layout.localParam(getInTensor(kThreshold), "threshold");
  const TileParam graded = layout.localParam(getInTensor(kGraded), "graded");
  const poplar::Tensor spikes = layout.newRows(type, T, "spikes");
  const poplar::Tensor mem = layout.newRows(type, T, "mem");
  const poplar::Tensor memFinal = layout.newNeurons(poplar::FLOAT, "memFinal");

  const std::string vertex =
      forwardVertexName(type, a.resetMode, a.resetDelay, /*recordMem=*/true);
  poplar::ComputeSet cs = graph.addComputeSet(debugContext("LifForward"));
  for (std::uint64_t tile = 0; tile < plan.tilesUsed; ++tile) {
    poplar::VertexRef v = graph.addVertex(cs, vertex);
    graph.connect(v["current"], layout.stepEdges(x, tile, T));
    graph.connect(v["memInit"], layout.columns(memInit, tile));
    graph.connect(v["decay"], layout.paramOf(decay, tile));
    graph.connect(v["threshold"], layout.paramOf(threshold, tile));
    graph.connect(v["graded"], layout.paramOf(graded, tile));
    graph.connect(v["spikes"], layout.stepEdges(spikes, tile, T));
    graph.connect(v["mem"], layout.stepEdges(mem, tile, T));
    graph.connect(v["memFinal"], layout.columns(memFinal, tile));
    graph.setInitialValue(v["numSteps"], static_cast<unsigned>(T));
    graph.setInitialValue(v["numNeurons"], plan.tileNeurons(tile));
    graph.setInitialValue(v["chunkNeurons"], plan.chunkNeurons);
    graph.setTileMapping(v, tile);
  }
  prog.add(poplar::program::Execute(cs, debugContext("LifForward")));

  setOutTensor(kSpikes, spikes);
  setOutTensor(kMem, mem);
  setOutTensor(kMemFinal, memFinal);
}

LifGradOpx::LifGradOpx(popart::Op *op, popart::popx::Devicex *devicex)
    : popart::popx::Opx(op, devicex) {
  verifyOp<LifGradOp>(op, lifGradOpId());
}

void LifGradOpx::grow(poplar::program::Sequence &prog) const {
  const LifAttributes &a = getOp<LifGradOp>().attributes();
  poplar::Graph &graph = this->graph();
  const poplar::Tensor current = getInTensor(kFwdInputs + kCurrent);
  const poplar::Type type = current.elementType();
  const std::uint64_t T = static_cast<std::uint64_t>(a.numSteps);
  // A static input has one row, read at every step; its gradient is summed
  // over the steps in the vertex (one gradCurrent edge).
  const std::uint64_t currentRows = current.dim(0);
  const bool constantCurrent = currentRows != T;
  const LifPlan plan = planForGraph(graph, T, current.dim(1), elementTypeOf(type));
  addLifCodelets(graph);

  const PlanLayout layout(graph, plan, prog, getDebugNameAndId("layout"));
  const poplar::Tensor x = layout.local(current, "current");
  const poplar::Tensor memInit =
      layout.local(getInTensor(kFwdInputs + kMemInit), "memInit");
  const TileParam decay =
      layout.localParam(getInTensor(kFwdInputs + kDecay), "decay");
  const TileParam threshold =
      layout.localParam(getInTensor(kFwdInputs + kThreshold), "threshold");
  const TileParam graded =
      layout.localParam(getInTensor(kFwdInputs + kGraded), "graded");

  // Absent upstream gradients read a tile's row of zeros at every step.
  const bool hasGradSpikes = hasInput(kGradSpikes);
  const bool hasGradMem = hasInput(kGradMem);
  const bool hasGradMemFinal = hasInput(kGradMemFinal);
  const poplar::Tensor gradSpikes =
      hasGradSpikes ? layout.local(getInTensor(kGradSpikes), "gradSpikes")
                    : poplar::Tensor();
  const poplar::Tensor gradMem =
      hasGradMem ? layout.local(getInTensor(kGradMem), "gradMem")
                 : poplar::Tensor();
  const poplar::Tensor gradMemFinal =
      hasGradMemFinal ? layout.local(getInTensor(kGradMemFinal), "gradMemFinal")
                      : poplar::Tensor();
  const poplar::Tensor zeroRows = (hasGradSpikes && hasGradMem)
                                      ? poplar::Tensor()
                                      : layout.zeros(type, "zeroRows");
  const poplar::Tensor zeroStates =
      hasGradMemFinal ? poplar::Tensor() : layout.zeros(poplar::FLOAT, "zeroStates");

  const poplar::Tensor gradCurrent =
      layout.newRows(type, currentRows, "gradCurrent");
  const poplar::Tensor gradMemInit =
      layout.newNeurons(poplar::FLOAT, "gradMemInit");
  const poplar::Tensor gradDecay = layout.newNeurons(poplar::FLOAT, "gradDecay");
  const poplar::Tensor gradThreshold =
      layout.newNeurons(poplar::FLOAT, "gradThreshold");
  const poplar::Tensor gradGraded =
      layout.newNeurons(poplar::FLOAT, "gradGraded");
  const poplar::Tensor scratch =
      layout.perTile(poplar::FLOAT, plan.backwardScratchElements, "scratch");

  const std::string vertex =
      backwardVertexName(type, a.resetMode, a.resetDelay, a.surrogate);
  poplar::ComputeSet cs = graph.addComputeSet(debugContext("LifBackward"));
  for (std::uint64_t tile = 0; tile < plan.tilesUsed; ++tile) {
    poplar::VertexRef v = graph.addVertex(cs, vertex);
    graph.connect(v["current"], layout.stepEdges(x, tile, T));
    graph.connect(v["gradSpikes"], hasGradSpikes
                                       ? layout.stepEdges(gradSpikes, tile, T)
                                       : layout.zeroEdges(zeroRows, tile, T));
    graph.connect(v["gradMem"], hasGradMem
                                    ? layout.stepEdges(gradMem, tile, T)
                                    : layout.zeroEdges(zeroRows, tile, T));
    graph.connect(v["gradMemFinal"],
                  hasGradMemFinal ? layout.columns(gradMemFinal, tile)
                                  : layout.zeroEdges(zeroStates, tile, 1)[0]);
    graph.connect(v["memInit"], layout.columns(memInit, tile));
    graph.connect(v["decay"], layout.paramOf(decay, tile));
    graph.connect(v["threshold"], layout.paramOf(threshold, tile));
    graph.connect(v["graded"], layout.paramOf(graded, tile));
    graph.connect(v["gradCurrent"],
                  layout.stepEdges(gradCurrent, tile, currentRows));
    graph.connect(v["gradMemInit"], layout.columns(gradMemInit, tile));
    graph.connect(v["gradDecay"], layout.columns(gradDecay, tile));
    graph.connect(v["gradThreshold"], layout.columns(gradThreshold, tile));
    graph.connect(v["gradGraded"], layout.columns(gradGraded, tile));
    graph.connect(v["scratch"], layout.rowOf(scratch, tile));
    graph.setInitialValue(v["numSteps"], static_cast<unsigned>(T));
    graph.setInitialValue(v["numNeurons"], plan.tileNeurons(tile));
    graph.setInitialValue(v["chunkNeurons"], plan.chunkNeurons);
    graph.setInitialValue(v["constantCurrent"], constantCurrent ? 1u : 0u);
    // The grad op always produces the parameter gradients.
    graph.setInitialValue(v["paramGrads"], 1u);
    graph.setInitialValue(v["surrogateA"], a.surrogateA);
    graph.setInitialValue(v["surrogateB"], a.surrogateB);
    graph.setTileMapping(v, tile);
  }
  prog.add(poplar::program::Execute(cs, debugContext("LifBackward")));

  setOutTensor(kCurrent, gradCurrent);
  setOutTensor(kMemInit, gradMemInit);
  setOutTensor(kDecay,
               reduceToParam(graph, gradDecay, inInfo(kFwdInputs + kDecay).nelms(),
                             prog, debugContext("gradDecay")));
  setOutTensor(kThreshold,
               reduceToParam(graph, gradThreshold,
                             inInfo(kFwdInputs + kThreshold).nelms(), prog,
                             debugContext("gradThreshold")));
  setOutTensor(kGraded,
               reduceToParam(graph, gradGraded, inInfo(kFwdInputs + kGraded).nelms(),
                             prog, debugContext("gradGraded")));
}

} // namespace ipu
} // namespace snn_ipu
