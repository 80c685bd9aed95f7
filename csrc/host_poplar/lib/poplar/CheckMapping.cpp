#include "CheckMapping.hpp"

#include <poplar/exceptions.hpp>

#include "Describe.hpp"

namespace poplar {
namespace executor {

void checkMapped(const GraphState &graph) {
  for (unsigned v = 0; v < graph.variables.size(); ++v) {
    const VariableRecord &var = graph.variables[v];
    std::size_t unmapped = 0, firstBegin = 0, firstEnd = 0;
    var.mapping.forEach(0, var.numElements,
                        [&](std::size_t begin, std::size_t end, unsigned tile) {
                          if (tile != TileIntervals::kUnmapped)
                            return;
                          if (unmapped == 0)
                            firstBegin = begin, firstEnd = end;
                          unmapped += end - begin;
                        });
    if (unmapped != 0)
      throw invalid_tile_mapping(
          describeElements(graph, v, firstBegin, firstEnd) +
          " has no tile mapping (" + std::to_string(unmapped) + " of its " +
          std::to_string(var.numElements) + " elements are unmapped)");
  }
  for (const VertexRecord &vertex : graph.vertices)
    if (vertex.tile == VertexRecord::kNoTile)
      throw invalid_tile_mapping(describeVertex(graph, vertex.id) +
                                 " has no tile mapping");
}

} // namespace executor
} // namespace poplar
