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
  poplar::Tensor gathered = graph.addVariable(in.elementType(), {outputs, perOutput},
                                              {debugContext, "partials"});
  poplar::ComputeSet cs = graph.addComputeSet({debugContext, "Reduce"});
  // Outputs spread over the tiles in blocks; each block's partials are
  // copied to its tile first.
  const std::size_t tiles = graph.getTarget().getNumTiles();
  const std::size_t block = std::max<std::size_t>(1, (outputs + tiles - 1) / tiles);
  for (std::size_t begin = 0, tile = 0; begin < outputs; begin += block, ++tile) {
    const std::size_t end = std::min(outputs, begin + block);
    const unsigned t = static_cast<unsigned>(tile);
    graph.setTileMapping(outRows.slice(begin, end), t);
    graph.setTileMapping(gathered.slice(begin, end), t);
    poplar::VertexRef v = graph.addVertex(cs, vertex);
    std::vector<poplar::Tensor> edges;
    for (std::size_t o = begin; o < end; ++o)
      edges.push_back(gathered[o]);
    graph.connect(v["partials"], edges);
    graph.connect(v["out"], outRows.slice(begin, end));
    graph.setTileMapping(v, t);
  }
  prog.add(poplar::program::Copy(rows, gathered, false, {debugContext, "gather"}));
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
