// Compile check: every element of every variable and constant, and every
// vertex, has a tile. Poplar refuses to compile a graph with unmapped
// elements; the host checks all of them, used by a program or not.
#pragma once

#include "GraphState.hpp"

namespace poplar {
namespace executor {

// Throws invalid_tile_mapping naming the first variable or vertex without.
void checkMapped(const GraphState &graph);

} // namespace executor
} // namespace poplar
