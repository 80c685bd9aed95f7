// The neuron codelets in a Poplar graph: the precompiled snn_ipu_codelets.gp
// (built by popc for ipu2, ipu21 and cpu, installed next to
// libsnn_ipu_popart.so) and a cycle estimator for every instance, from the
// cost model in LifCycles.hpp. The instances' names: NeuronVertices.hpp.
#pragma once

#include <string>

#include <poplar/Graph.hpp>
#include <poplar/Type.hpp>

namespace snn_ipu {
namespace ipu {

// Adds the codelets and their perf estimators to `graph` once: later calls
// (every neuron op in the model grows through here) find them already there.
void addNeuronCodelets(poplar::Graph &graph);

// The .gp file: $SNN_IPU_CODELETS if set, else snn_ipu_codelets.gp in the
// folder this library was loaded from.
std::string neuronCodeletsPath();

} // namespace ipu
} // namespace snn_ipu
