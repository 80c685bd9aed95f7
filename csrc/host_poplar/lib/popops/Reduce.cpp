#include <popops/Reduce.hpp>

#include <algorithm>
#include <numeric>

#include <poplar/exceptions.hpp>

#include "ReduceVertex.hpp"

namespace popops {

poplar::Tensor reduce(poplar::Graph &graph, const poplar::Tensor &in,
                      const poplar::Type &outType,
                      const std::vector<std::size_t> &dims, ReduceParams params,
                      poplar::program::Sequence &prog,
                      const poplar::DebugContext &debugContext,
                      const poplar::OptionFlags &) {
  const std::string name = "popops::reduce '" + debugContext.getPathName() + "'";
  if (params.update || params.useScale)
    throw poplar::poplar_error(name + ": update and scale are not implemented "
                                      "on the host");
  if (!host::hasReduceVertex(params.op, in.elementType(), outType))
    throw poplar::poplar_error(
        name + ": the host has no reduction " +
        poputil::VertexTemplateToString<Operation>::to_string(params.op) + " of " +
        in.elementType().toString() + " to " + outType.toString());
  const std::string vertex = host::reduceVertexName(params.op, in.elementType(), outType);
  if (!graph.hasCodelet(vertex))
    throw poplar::poplar_error(name + ": call popops::addCodelets(graph) first");
  // The kept dimensions first, then the reduced ones: one row per output.
  const unsigned rank = in.rank();
  std::vector<bool> reduced(rank, false);
  for (std::size_t d : dims) {
    if (d >= rank || reduced[d])
      throw poplar::poplar_error(name + ": dimension " + std::to_string(d) +
                                 " of a tensor of shape " + in.shapeToString());
    reduced[d] = true;
  }
  std::vector<unsigned> order;
  std::vector<std::size_t> outShape;
  for (unsigned d = 0; d < rank; ++d)
    if (!reduced[d])
      order.push_back(d), outShape.push_back(in.dim(d));
  for (unsigned d = 0; d < rank; ++d)
    if (reduced[d])
      order.push_back(d);
  const std::size_t outputs = std::accumulate(
      outShape.begin(), outShape.end(), std::size_t(1), std::multiplies<>());
  const std::size_t perOutput = outputs ? in.numElements() / outputs : 0;
  const poplar::Tensor rows =
      (rank ? in.dimShuffle(order) : in).reshape({outputs, perOutput});

  poplar::Tensor out = graph.addVariable(outType, outShape, {debugContext, "output"});
  const poplar::Tensor outRows = out.flatten();
  const std::size_t tiles = graph.getTarget().getNumTiles();
  const std::size_t block = std::max<std::size_t>(1, (outputs + tiles - 1) / tiles);
  const auto outputTile = [&](std::size_t o) { return static_cast<unsigned>(o / block); };
  for (std::size_t begin = 0; begin < outputs; begin += block)
    graph.setTileMapping(outRows.slice(begin, std::min(outputs, begin + block)),
                         outputTile(begin));
  if (outputs == 0 || perOutput == 0) {
    prog.add(poplar::program::Execute(graph.addComputeSet({debugContext, "Reduce"}),
                                      {debugContext, "Reduce"}));
    return out;
  }

  // Two stages, as a reduction over many tiles must be done to stay within
  // each tile's memory: first every tile reduces the pieces of each output
  // it holds (one partial per piece), then each output's tile reduces that
  // output's partials. The pieces of a view (a dimShuffle) need not be
  // consecutive in memory, as an edge must be: one copy first lays each
  // tile's pieces out consecutively on that tile.
  const poplar::Tensor flat = rows.flatten();
  const poplar::Graph::TileToTensorMapping mapping = graph.getTileMapping(flat);
  struct Piece {
    unsigned tile;
    std::size_t output, begin, end; // in flat, and where it goes in `local`
    std::size_t localBegin;
  };
  std::vector<Piece> pieces;
  for (unsigned tile = 0; tile < mapping.size(); ++tile)
    for (const poplar::Interval &interval : mapping[tile])
      for (std::size_t b = interval.begin(); b < interval.end();) {
        const std::size_t o = b / perOutput;
        const std::size_t e = std::min(interval.end(), (o + 1) * perOutput);
        pieces.push_back({tile, o, b, e, 0});
        b = e;
      }
  std::vector<poplar::Tensor> sources;
  std::size_t localSize = 0;
  for (Piece &piece : pieces) {
    piece.localBegin = localSize;
    localSize += piece.end - piece.begin;
    sources.push_back(flat.slice(piece.begin, piece.end));
  }
  poplar::Tensor local = graph.addVariable(in.elementType(), {localSize},
                                           {debugContext, "local"});
  poplar::Tensor partial =
      graph.addVariable(outType, {pieces.size()}, {debugContext, "partials"});
  prog.add(poplar::program::Copy(poplar::concat(sources), local, false,
                                 {debugContext, "local"}));
  std::vector<std::vector<poplar::Tensor>> partialsOf(outputs);
  poplar::ComputeSet first = graph.addComputeSet({debugContext, "Reduce/partials"});
  for (std::size_t i = 0; i < pieces.size();) {
    const unsigned tile = pieces[i].tile;
    const std::size_t firstPiece = i;
    std::vector<poplar::Tensor> edges;
    for (; i < pieces.size() && pieces[i].tile == tile; ++i) {
      const Piece &piece = pieces[i];
      edges.push_back(local.slice(piece.localBegin,
                                  piece.localBegin + piece.end - piece.begin));
      partialsOf[piece.output].push_back(partial.slice(i, i + 1));
    }
    const std::size_t localEnd =
        pieces[i - 1].localBegin + pieces[i - 1].end - pieces[i - 1].begin;
    graph.setTileMapping(local.slice(pieces[firstPiece].localBegin, localEnd), tile);
    graph.setTileMapping(partial.slice(firstPiece, i), tile);
    poplar::VertexRef v = graph.addVertex(first, vertex);
    graph.connect(v["partials"], edges);
    graph.connect(v["out"], partial.slice(firstPiece, i));
    graph.setTileMapping(v, tile);
  }
  prog.add(poplar::program::Execute(first, {debugContext, "Reduce/partials"}));

  // The partials of a sum of squares are summed.
  const Operation combine =
      params.op == Operation::SQUARE_ADD ? Operation::ADD : params.op;
  const std::string second = host::reduceVertexName(combine, outType, outType);
  // One copy gathers every output's partials onto its tile.
  std::vector<poplar::Tensor> scattered;
  std::vector<std::size_t> firstOf(outputs + 1, 0);
  for (std::size_t o = 0; o < outputs; ++o) {
    scattered.insert(scattered.end(), partialsOf[o].begin(), partialsOf[o].end());
    firstOf[o + 1] = firstOf[o] + partialsOf[o].size();
  }
  poplar::Tensor gathered =
      graph.addVariable(outType, {firstOf[outputs]}, {debugContext, "gathered"});
  poplar::ComputeSet cs = graph.addComputeSet({debugContext, "Reduce"});
  for (std::size_t begin = 0; begin < outputs; begin += block) {
    const std::size_t end = std::min(outputs, begin + block);
    const unsigned t = outputTile(begin);
    graph.setTileMapping(gathered.slice(firstOf[begin], firstOf[end]), t);
    std::vector<poplar::Tensor> edges;
    for (std::size_t o = begin; o < end; ++o)
      edges.push_back(gathered.slice(firstOf[o], firstOf[o + 1]));
    poplar::VertexRef v = graph.addVertex(cs, second);
    graph.connect(v["partials"], edges);
    graph.connect(v["out"], outRows.slice(begin, end));
    graph.setTileMapping(v, t);
  }
  prog.add(poplar::program::Copy(poplar::concat(scattered), gathered, false,
                                 {debugContext, "gather"}));
  prog.add(poplar::program::Execute(cs, {debugContext, "Reduce"}));
  return out;
}

poplar::Tensor reduce(poplar::Graph &graph, const poplar::Tensor &in,
                      const std::vector<std::size_t> &dims, ReduceParams params,
                      poplar::program::Sequence &prog,
                      const poplar::DebugContext &debugContext,
                      const poplar::OptionFlags &options) {
  return reduce(graph, in, in.elementType(), dims, params, prog, debugContext,
                options);
}

} // namespace popops
