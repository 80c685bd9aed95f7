// Host implementation of popops::addCodelets: adds the vertices popops
// functions use (here, popops::reduce's) to a graph.
#pragma once

#include <poplar/Graph.hpp>

namespace popops {

void addCodelets(poplar::Graph &graph);

} // namespace popops
