// Compile check: within one compute set no two vertices write the same
// element, and no vertex reads an element another one writes. The vertices
// of a compute set run in parallel, in no defined order; Poplar documents
// such a race as undefined but does not say that it refuses it: the host
// refuses it, because a graph with one cannot be right.
#pragma once

#include <vector>

#include "BoundVertex.hpp"

namespace poplar {
namespace executor {

// Throws graph_program_compilation_error naming both vertices and fields,
// and the elements they share.
void checkWriteConflicts(const GraphState &graph,
                         const std::vector<BoundVertex> &vertices);

} // namespace executor
} // namespace poplar
