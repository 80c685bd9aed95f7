#include "ops/graph/PlanLayout.hpp"

#include <string>

#include <poplar/Target.hpp>
#include <poputil/exceptions.hpp>

namespace snn_ipu {
namespace popsnn {

ElementType elementTypeOf(const poplar::Type &type) {
  if (type == poplar::HALF)
    return ElementType::Half;
  if (type == poplar::FLOAT)
    return ElementType::Float;
  throw poputil::poplibs_error(
      "snn_ipu neuron layer: current must be half or float, got " +
      type.toString());
}

LifPlan planForTarget(const poplar::Target &target, unsigned model,
                      std::uint64_t numSteps, std::uint64_t numNeurons,
                      ElementType type) {
  TileConfig config;
  config.numTiles = target.getNumTiles();
  config.workersPerTile = target.getNumWorkerContexts();
  config.bytesPerTile = target.getBytesPerTile();
  config.chunkNeurons = kIpuChunkNeurons; // the codelets' chunk under popc
  try {
    return planLif(model, numSteps, numNeurons, type, config);
  } catch (const PlanError &e) {
    throw poputil::poplibs_error(std::string("snn_ipu neuron layer: ") + e.what());
  }
}

PlanLayout::PlanLayout(poplar::Graph &graph, const LifPlan &plan,
                       poplar::program::Sequence &prog,
                       const poplar::DebugContext &debugContext)
    : graph_(graph), plan_(plan), prog_(prog), dc_(debugContext) {}

void PlanLayout::mapColumns(const poplar::Tensor &t) const {
  const unsigned dim = t.rank() - 1;
  for (std::uint64_t tile = 0; tile < plan_.tilesUsed; ++tile)
    graph_.setTileMapping(
        t.slice(plan_.tileBegin(tile), plan_.tileEnd(tile), dim), tile);
}

poplar::Tensor PlanLayout::newRows(const poplar::Type &type, std::size_t rows,
                                   const std::string &name) const {
  // Rows padded to the worker grain (8 bytes), the pad on the last tile: where
  // one tile holds consecutive rows (a single-tile layer), each row's edge
  // then starts 8-byte aligned, as the vertices' fields require.
  const std::size_t n = static_cast<std::size_t>(plan_.numNeurons);
  const std::size_t padded = (n + plan_.grain - 1) / plan_.grain * plan_.grain;
  poplar::Tensor t = graph_.addVariable(type, {rows, padded}, {dc_, name});
  if (padded != n)
    graph_.setTileMapping(t.slice(n, padded, 1), plan_.tilesUsed - 1);
  t = t.slice(0, n, 1);
  mapColumns(t);
  return t;
}

poplar::Tensor PlanLayout::newNeurons(const poplar::Type &type,
                                      const std::string &name) const {
  poplar::Tensor t = graph_.addVariable(
      type, {static_cast<std::size_t>(plan_.numNeurons)}, {dc_, name});
  mapColumns(t);
  return t;
}

poplar::Tensor PlanLayout::local(const poplar::Tensor &tensor,
                                 const std::string &name) const {
  poplar::Tensor copy = tensor.rank() == 2
                            ? newRows(tensor.elementType(), tensor.dim(0), name)
                            : newNeurons(tensor.elementType(), name);
  prog_.add(poplar::program::Copy(tensor, copy, false, {dc_, name}));
  return copy;
}

TileParam PlanLayout::localParam(const poplar::Tensor &param,
                                 const std::string &name) const {
  if (param.numElements() == plan_.numNeurons)
    return {local(param, name), false};
  const std::size_t tiles = static_cast<std::size_t>(plan_.tilesUsed);
  poplar::Tensor copies =
      graph_.addVariable(param.elementType(), {tiles}, {dc_, name});
  for (std::size_t tile = 0; tile < tiles; ++tile)
    graph_.setTileMapping(copies[tile], tile);
  prog_.add(poplar::program::Copy(param.flatten().broadcast(tiles, 0), copies,
                                  false, {dc_, name}));
  return {copies, true};
}

poplar::Tensor PlanLayout::zeros(const poplar::Type &type,
                                 const std::string &name) const {
  const std::size_t tiles = static_cast<std::size_t>(plan_.tilesUsed);
  poplar::Tensor t = graph_.addConstant(
      type, {tiles, static_cast<std::size_t>(plan_.neuronsPerTile)}, 0.0,
      {dc_, name});
  for (std::size_t tile = 0; tile < tiles; ++tile)
    graph_.setTileMapping(t[tile], tile);
  return t;
}

poplar::Tensor PlanLayout::perTile(const poplar::Type &type,
                                   std::uint64_t elements,
                                   const std::string &name) const {
  const std::size_t tiles = static_cast<std::size_t>(plan_.tilesUsed);
  poplar::Tensor t = graph_.addVariable(
      type, {tiles, static_cast<std::size_t>(elements)}, {dc_, name});
  for (std::size_t tile = 0; tile < tiles; ++tile)
    graph_.setTileMapping(t[tile], tile);
  return t;
}

std::vector<poplar::Tensor> PlanLayout::stepEdges(const poplar::Tensor &rows,
                                                  std::uint64_t tile,
                                                  std::uint64_t steps) const {
  const std::uint64_t begin = plan_.tileBegin(tile), end = plan_.tileEnd(tile);
  const bool repeat = rows.dim(0) == 1;
  std::vector<poplar::Tensor> edges;
  edges.reserve(static_cast<std::size_t>(steps));
  for (std::uint64_t t = 0; t < steps; ++t)
    edges.push_back(rows[repeat ? 0 : t].slice(begin, end));
  return edges;
}

std::vector<poplar::Tensor> PlanLayout::zeroEdges(const poplar::Tensor &zeros,
                                                  std::uint64_t tile,
                                                  std::uint64_t steps) const {
  const poplar::Tensor row = zeros[tile].slice(0, plan_.tileNeurons(tile));
  return std::vector<poplar::Tensor>(static_cast<std::size_t>(steps), row);
}

std::vector<poplar::Tensor>
PlanLayout::stackedEdges(const std::vector<MaybeTensor> &rows,
                         const poplar::Tensor &zeros, std::uint64_t tile,
                         std::uint64_t steps) const {
  std::vector<poplar::Tensor> edges;
  for (const MaybeTensor &tensor : rows) {
    const std::vector<poplar::Tensor> part =
        tensor ? stepEdges(*tensor, tile, steps) : zeroEdges(zeros, tile, steps);
    edges.insert(edges.end(), part.begin(), part.end());
  }
  return edges;
}

std::vector<poplar::Tensor>
PlanLayout::neuronEdges(const std::vector<MaybeTensor> &neurons,
                        const poplar::Tensor &zeros, std::uint64_t tile) const {
  std::vector<poplar::Tensor> edges;
  for (const MaybeTensor &tensor : neurons)
    edges.push_back(tensor ? columns(*tensor, tile)
                           : zeroEdges(zeros, tile, 1).front());
  return edges;
}

std::vector<poplar::Tensor>
PlanLayout::paramEdges(const std::vector<TileParam> &params,
                       std::uint64_t tile) const {
  std::vector<poplar::Tensor> edges;
  for (const TileParam &param : params)
    edges.push_back(param.shared ? param.values.slice(tile, tile + 1)
                                 : columns(param.values, tile));
  return edges;
}

poplar::Tensor PlanLayout::columns(const poplar::Tensor &neurons,
                                   std::uint64_t tile) const {
  return neurons.slice(plan_.tileBegin(tile), plan_.tileEnd(tile));
}

poplar::Tensor PlanLayout::rowOf(const poplar::Tensor &perTile,
                                 std::uint64_t tile) const {
  return perTile[tile];
}

} // namespace popsnn
} // namespace snn_ipu
