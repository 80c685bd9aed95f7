// Where the engine puts the variables: on each tile, a variable's elements
// on that tile in regions of consecutive elements (the pieces of its tile
// mapping), each region at an 8-byte aligned offset of the tile's memory,
// variables in the order they were added. A region is what an edge may
// connect: a pointer and a count. Real Poplar places regions by its own
// rules; 8 bytes is the least alignment it documents for any vertex field
// (Vector<T, ONE_PTR, 8>), so an edge that starts a region is aligned and
// one that starts inside a region is aligned only if its offset is.
#pragma once

#include <cstddef>
#include <vector>

#include "GraphState.hpp"
#include "TensorView.hpp"

namespace poplar {
namespace executor {

struct Region {
  std::size_t begin, end; // the variable's elements
  unsigned tile;
  std::size_t offset; // bytes into the tile's memory
};

// A piece of one tile's memory.
struct Span {
  unsigned tile;
  std::size_t offset;
  std::size_t bytes;
};

class MemoryLayout {
public:
  static constexpr std::size_t kRegionAlignment = 8;

  // Every element must have a tile (checkMapped first).
  explicit MemoryLayout(const GraphState &graph);

  const std::vector<Region> &regions(unsigned variable) const {
    return regions_[variable];
  }
  const Region &regionOf(unsigned variable, std::size_t element) const;
  std::size_t byteOffset(unsigned variable, std::size_t element) const;
  unsigned elementSize(unsigned variable) const { return elementSize_[variable]; }
  // Bytes the variables take on each tile, alignment padding included.
  const std::vector<std::size_t> &tileBytes() const { return tileBytes_; }

  // f(span) for the view's elements, in order, in as few spans as regions allow.
  template <typename F> void forEachSpan(const TensorView &view, F &&f) const;

private:
  std::vector<std::vector<Region>> regions_; // per variable, by element
  std::vector<unsigned> elementSize_;
  std::vector<std::size_t> tileBytes_;
};

template <typename F>
void MemoryLayout::forEachSpan(const TensorView &view, F &&f) const {
  for (const ElementRun &run : view.runs) {
    const unsigned size = elementSize_[run.variable];
    if (!run.consecutive()) {
      for (std::size_t k = 0; k < run.count; ++k) {
        const Region &r = regionOf(run.variable, run.element(k));
        f(Span{r.tile, r.offset + (run.element(k) - r.begin) * size, size});
      }
      continue;
    }
    std::size_t element = run.start;
    const std::size_t end = run.start + run.count;
    while (element < end) {
      const Region &r = regionOf(run.variable, element);
      const std::size_t stop = r.end < end ? r.end : end;
      f(Span{r.tile, r.offset + (element - r.begin) * size, (stop - element) * size});
      element = stop;
    }
  }
}

} // namespace executor
} // namespace poplar
