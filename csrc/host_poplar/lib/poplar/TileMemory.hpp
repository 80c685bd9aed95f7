// Compile check: each tile's memory holds its variables and its vertices'
// state. Variables count their regions' bytes with the alignment padding
// (MemoryLayout). Vertex state is an estimate from the field layouts Poplar
// documents: a ONE_PTR edge is a 4-byte pointer, a SPAN edge a pointer and a
// size (8 bytes); a 2-D field is a 4-byte pointer to its table of edges (and
// a 4-byte count if its layout has a size) plus the table; a scalar its
// size rounded up to 4. Poplar's compressed layouts (SCALED_PTR, DELTAN) are
// smaller; code, worker stacks and exchange buffers are not counted, so a
// tile near its limit here may still not fit on an IPU.
#pragma once

#include <cstddef>
#include <vector>

#include <poplar/executor/Report.hpp>

#include "BoundVertex.hpp"

namespace poplar {
namespace executor {

std::size_t vertexStateBytes(const BoundVertex &vertex);

// Every tile's bytes. Throws graph_memory_allocation_error for a tile over
// the target's bytes per tile, naming it and what is on it.
std::vector<TileUsage> checkTileMemory(const GraphState &graph,
                                       const MemoryLayout &layout,
                                       const std::vector<BoundVertex> &vertices);

} // namespace executor
} // namespace poplar
