#include <popops/codelets.hpp>

#include "ReduceVertex.hpp"

namespace popops {

void addCodelets(poplar::Graph &graph) {
  host::registerCodelets();
  graph.addCodelets(host::kCodeletLibrary);
}

} // namespace popops
