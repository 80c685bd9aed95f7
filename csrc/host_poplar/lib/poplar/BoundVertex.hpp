// A vertex ready to run: its codelet object with the scalars set, and each
// edge resolved to a region of its tile's memory, every connection rule
// checked (connected, number of edges, on the vertex's tile, one region,
// aligned, long enough, no constant written). Two are the host's choices
// where the reference is silent: a scalar field without an initial value is
// refused (the vertex would read garbage), and so is an edge whose elements
// are not one run of a variable (Poplar may rearrange one with a copy of its
// own; refusing shows a layout that would need it).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "GraphState.hpp"
#include "MemoryLayout.hpp"

namespace poplar {
namespace executor {

struct BoundEdge {
  unsigned variable = 0;
  std::size_t begin = 0, count = 0; // the variable's elements
  unsigned tile = 0;
  std::size_t offset = 0; // bytes into the tile's memory
};

struct BoundVertex {
  unsigned id = 0;
  const VertexType *type = nullptr;
  std::unique_ptr<VertexObject> object;
  std::vector<std::vector<BoundEdge>> fields; // as type->fields; none for scalars
};

// Throws graph_connection_error naming the vertex, field, edge, tensor and
// tile of the first rule broken.
BoundVertex bindVertex(const GraphState &graph, const MemoryLayout &layout,
                       unsigned vertex);

// Points the object's fields at the edges' memory (tile t's at memory[t]).
void connectVertex(BoundVertex &vertex,
                   const std::vector<unsigned char *> &tileMemory);

} // namespace executor
} // namespace poplar
