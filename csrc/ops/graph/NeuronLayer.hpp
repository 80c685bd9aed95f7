// What both neuron vertices read, placed in the plan's layout and connected
// per tile: the current, the initial states and the parameters, and the
// vertex sizes. The Poplar counterpart of HostConnect.hpp's
// connectLayerInputs.
#pragma once

#include <cstdint>
#include <vector>

#include <poplar/Graph.hpp>
#include <poplar/GraphElements.hpp>
#include <poplar/Tensor.hpp>

#include "ops/graph/NeuronGraph.hpp"
#include "ops/graph/PlanLayout.hpp"

namespace snn_ipu {
namespace popsnn {

struct NeuronLayer {
  poplar::Tensor current;             // [T, N], or [1, N]: a static input
  std::vector<poplar::Tensor> states; // initial states, [N] each
  std::vector<TileParam> params;
};

// The layer of model `model`: each input copied into the plan's layout.
// Throws poputil::poplibs_error when an input has the wrong count or shape.
NeuronLayer placeNeuronLayer(const PlanLayout &layout, unsigned model,
                             const NeuronInputs &inputs);

// Connects tile `tile`'s vertex `v` to the layer (fields current, stateInit,
// params) and sets its numSteps, numNeurons and chunkNeurons.
void connectNeuronLayer(poplar::Graph &graph, poplar::VertexRef v,
                        const PlanLayout &layout, const NeuronLayer &layer,
                        std::uint64_t tile);

} // namespace popsnn
} // namespace snn_ipu
