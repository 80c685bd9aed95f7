// Host only: the neuron codelets in a graph of the host executor, the
// counterpart of ipu::addNeuronCodelets (csrc/ops/ipu/NeuronCodelets.hpp),
// which loads the popc-compiled .gp on the IPU.
#pragma once

#include <poplar/Graph.hpp>

namespace snn_ipu {
namespace popsnn {
namespace host {

// The library name the vertices are registered under, as the .gp's.
constexpr const char *kNeuronCodelets = "snn_ipu_codelets.gp";

// Registers every neuron vertex instance with the executor (once per
// process) and adds them to `graph`, unless it has them already.
void addNeuronCodelets(poplar::Graph &graph);

} // namespace host
} // namespace popsnn
} // namespace snn_ipu
