// The tile/worker plan for a LIF layer: which tile owns which neurons, which
// worker owns which of those, and how many bytes a tile needs. Pure C++ shared
// by the host runner and the PopART glue; it knows nothing of Poplar.
//
// The layer is the [T, N] view of the op's tensors (N = all non-time
// elements). Tile k owns neurons [k*P, min((k+1)*P, N)) where P, the neurons
// per tile, is a multiple of the element type's worker grain; inside a tile
// the codelet divides its block with snn_ipu::workerRange (WorkDivision.hpp).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "codelets/LifTypes.hpp"
#include "codelets/WorkDivision.hpp"
#include "ops/plan/ElementType.hpp"

namespace snn_ipu {

// The defaults are a GC200's (the Mk2 IPU): tiles, worker contexts per tile
// and bytes of SRAM per tile, from its datasheet; the Python side reads them
// from here (snn_ipu._host.GC200).
struct TileConfig {
  std::uint64_t numTiles = 1472;
  unsigned workersPerTile = 6;
  std::uint64_t bytesPerTile = 624 * 1024;
  // Neurons a worker carries across all steps at once (the vertices'
  // chunkNeurons), at most the target's kMaxChunkNeurons. The plan lowers it
  // for small blocks; it sizes the backward vertex's scratch.
  unsigned chunkNeurons = kIpuChunkNeurons;
  // The planes per neuron and step the backward vertex's scratch holds:
  // kMostPlanes (the default) for the model's most, what every backward call
  // stays within; the host's backward plans take the planes the call stores,
  // its forward's 0 (no scratch).
  static constexpr unsigned kMostPlanes = ~0u;
  unsigned scratchPlanes = kMostPlanes;
};

// Thrown when a layer cannot be planned; the message names the limit.
class PlanError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct LifPlan {
  unsigned model = kModelLeaky; // kModel*: its states and parameters size the tiles
  std::uint64_t numSteps = 0;
  std::uint64_t numNeurons = 0;
  ElementType type = ElementType::Float;
  TileConfig config;
  unsigned grain = 1;
  std::uint64_t neuronsPerTile = 0; // every tile but possibly the last
  std::uint64_t tilesUsed = 0;
  unsigned chunkNeurons = 1; // what the vertices use (<= config.chunkNeurons)
  // Bytes a full tile needs for its tensors, vertex edges and scratch.
  std::uint64_t forwardBytesPerTile = 0;
  std::uint64_t backwardBytesPerTile = 0;
  // Scratch elements (state type) of one backward vertex (all its workers).
  std::uint64_t backwardScratchElements = 0;

  std::uint64_t tileBegin(std::uint64_t tile) const;
  std::uint64_t tileEnd(std::uint64_t tile) const;
  unsigned tileNeurons(std::uint64_t tile) const;
  // Neuron range [begin, end) of a worker, relative to its tile's first neuron.
  WorkerRange workerNeurons(std::uint64_t tile, unsigned worker) const;
};

// The plan of a layer of neuron model `model`. The backward vertex keeps a
// number of state planes per step that may depend on reset_delay and on
// whether the parameters' gradients are wanted; by default (the IPU's)
// plans are sized for the model's most, so that one plan serves both
// directions and every backward call (config.scratchPlanes).
LifPlan planLif(unsigned model, std::uint64_t numSteps, std::uint64_t numNeurons,
                ElementType type, const TileConfig &config);

// The scratch one backward vertex indexes: the plan's (workers x T steps x
// one chunk x the model's most planes, what a plan with the default
// scratchPlanes serves either reset_delay with), cut to the planes this
// reset_delay keeps. The graph's vertices index it; the host sizes its own.
inline std::uint64_t vertexScratchElements(const LifPlan &plan, bool resetDelay) {
  return plan.backwardScratchElements / maxSavedPlanes(plan.model) *
         savedPlanes(plan.model, resetDelay);
}

} // namespace snn_ipu
