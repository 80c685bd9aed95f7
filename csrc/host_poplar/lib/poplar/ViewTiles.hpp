// Where a tensor's elements are: the tiles of the flat ranges of a view, and
// mapping a view's elements to a tile (Graph's setTileMapping,
// getTileMapping and clone, and the engine's checks, share these).
#pragma once

#include <cstddef>

#include "GraphState.hpp"
#include "TensorView.hpp"

namespace poplar {
namespace executor {

// f(begin, end, tile) for the view's flat indices [begin, end), in order,
// cut where the tile changes; TileIntervals::kUnmapped where none is set.
template <typename F>
void forEachTile(const GraphState &graph, const TensorView &view, F &&f) {
  std::size_t flat = 0;
  for (const ElementRun &run : view.runs) {
    const TileIntervals &mapping = graph.variables[run.variable].mapping;
    if (run.consecutive()) {
      mapping.forEach(run.start, run.start + run.count,
                      [&](std::size_t b, std::size_t e, unsigned tile) {
                        f(flat + (b - run.start), flat + (e - run.start), tile);
                      });
    } else {
      for (std::size_t k = 0; k < run.count; ++k)
        f(flat + k, flat + k + 1, mapping.tileOf(run.element(k)));
    }
    flat += run.count;
  }
}

// Maps the view's flat indices [begin, end) to `tile`.
inline void mapRange(GraphState &graph, const TensorView &view,
                     std::size_t begin, std::size_t end, unsigned tile) {
  view.forEachRun(begin, end, [&](const ElementRun &run) {
    TileIntervals &mapping = graph.variables[run.variable].mapping;
    if (run.consecutive()) {
      mapping.assign(run.start, run.start + run.count, tile);
    } else {
      for (std::size_t k = 0; k < run.count; ++k)
        mapping.assign(run.element(k), run.element(k) + 1, tile);
    }
  });
}

} // namespace executor
} // namespace poplar
