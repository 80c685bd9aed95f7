// What both neuron vertices read, placed in the plan's layout and connected
// per tile: the current, the initial states and the parameters, and the
// vertex sizes. The Poplar counterpart of HostConnect.hpp's
// connectLayerInputs.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include <poplar/Graph.hpp>
#include <poplar/GraphElements.hpp>
#include <poplar/Tensor.hpp>

#include "ops/ipu/NeuronOpIds.hpp"
#include "ops/ipu/PlanLayout.hpp"

namespace snn_ipu {
namespace ipu {

struct NeuronLayer {
  poplar::Tensor current;             // [T, N], or [1, N]: a static input
  std::vector<poplar::Tensor> states; // initial states, [N] each
  std::vector<TileParam> params;
};

// The layer of model `model`, from `input(i)`, op input i of its signature
// (NeuronOpIds.hpp): each copied into the plan's layout.
NeuronLayer placeNeuronLayer(const PlanLayout &layout, unsigned model,
                             const std::function<poplar::Tensor(int)> &input);

// Connects tile `tile`'s vertex `v` to the layer (fields current, stateInit,
// params) and sets its numSteps, numNeurons and chunkNeurons.
void connectNeuronLayer(poplar::Graph &graph, poplar::VertexRef v,
                        const PlanLayout &layout, const NeuronLayer &layer,
                        std::uint64_t tile);

} // namespace ipu
} // namespace snn_ipu
