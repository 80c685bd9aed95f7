// Compile check: every element of every variable and constant, and every
// vertex, has a tile. Poplar refuses to compile a graph with unmapped
// elements; whether it checks variables no program uses is not documented,
// and the host checks all of them, which can only refuse more.
#pragma once

#include "GraphState.hpp"

namespace poplar {
namespace executor {

// Throws invalid_tile_mapping naming the first variable or vertex without.
void checkMapped(const GraphState &graph);

} // namespace executor
} // namespace poplar
