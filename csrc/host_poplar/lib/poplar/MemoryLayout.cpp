#include "MemoryLayout.hpp"

#include <algorithm>

#include "TypeInfo.hpp"

namespace poplar {
namespace executor {

MemoryLayout::MemoryLayout(const GraphState &graph)
    : regions_(graph.variables.size()), elementSize_(graph.variables.size()),
      tileBytes_(graph.target.getNumTiles(), 0) {
  for (unsigned v = 0; v < graph.variables.size(); ++v) {
    const VariableRecord &var = graph.variables[v];
    elementSize_[v] = typeSize(var.type);
    var.mapping.forEach(0, var.numElements,
                        [&](std::size_t begin, std::size_t end, unsigned tile) {
                          std::size_t &used = tileBytes_.at(tile);
                          used = (used + kRegionAlignment - 1) / kRegionAlignment *
                                 kRegionAlignment;
                          regions_[v].push_back(Region{begin, end, tile, used});
                          used += (end - begin) * elementSize_[v];
                        });
  }
}

const Region &MemoryLayout::regionOf(unsigned variable, std::size_t element) const {
  const std::vector<Region> &regions = regions_[variable];
  auto it = std::upper_bound(
      regions.begin(), regions.end(), element,
      [](std::size_t e, const Region &r) { return e < r.begin; });
  return *std::prev(it);
}

std::size_t MemoryLayout::byteOffset(unsigned variable, std::size_t element) const {
  const Region &r = regionOf(variable, element);
  return r.offset + (element - r.begin) * elementSize_[variable];
}

} // namespace executor
} // namespace poplar
