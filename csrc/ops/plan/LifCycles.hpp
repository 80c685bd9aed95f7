// Cycle estimates of the LIF vertices on an IPU tile: the cost model behind
// the PopART glue's registerPerfEstimator (so that Poplar's profile and
// schedulers see realistic vertex times) and behind `python -m snn_ipu plan`.
// Pure C++: no Poplar.
//
// The model counts worker instructions in the loops the codelets compile to
// (see LifForward.cpp / LifBackward.cpp); it is an estimate written from the
// code, not a measurement, and is meant for planning and relative comparison.
//
//   * A tile runs its 6 worker contexts round-robin, one instruction per
//     context per turn: a MultiVertex takes
//         kVertexOverhead + numWorkers * max over workers (worker cycles)
//     tile cycles (the convention poplibs' estimators use).
//   * A worker takes its block with workerRange() and walks it in chunks of
//     chunkNeurons; per chunk it loads the parameters and the initial
//     membrane, then per time step loads the step's row pointers and runs
//     the per-neuron step.
//   * Per neuron and step (float and half alike: a half element costs a
//     conversion, counted in the load/store figures):
//       forward   load + convert 2, LIF step 9 (+4 without reset delay),
//                 spike store 2, membrane store 2 (RecordMem)
//       backward  recompute: load 2, LIF step 9 (+4), scratch store 1 (+1)
//                 reverse: loads 4 (dS, dU, two scratch states), step gradient
//                 16 (+8 without reset delay), surrogate (table below),
//                 accumulate 4, store 2
//   * Surrogate derivative, worker instructions: a float division or exp is
//     a short software sequence on the IPU (counted as 10 and 18).
#pragma once

#include <cstdint>

#include "ops/plan/LifPlan.hpp"

namespace snn_ipu {

// The shape of one vertex: what the perf estimator reads from the vertex's
// fields, and what the plan knows of each tile.
struct LifVertexShape {
  std::uint64_t numSteps = 0;
  unsigned numNeurons = 0;   // the tile's neurons
  unsigned numWorkers = 6;
  unsigned grain = 1;        // workerGrain(element type)
  unsigned chunkNeurons = 1; // the vertex's chunkNeurons field
  unsigned model = kModelLeaky; // the vertex's neuron model
};

// Worker instructions of the surrogate derivative with this id (LifTypes.hpp).
unsigned surrogateCycles(unsigned surrogate);

std::uint64_t lifForwardCycles(const LifVertexShape &shape, unsigned resetMode,
                               bool resetDelay, bool recordMem);
std::uint64_t lifBackwardCycles(const LifVertexShape &shape,
                                unsigned resetMode, bool resetDelay,
                                unsigned surrogate);

// The vertex shape of one tile of a plan. Tile 0 is always a full tile, the
// slowest, which bounds the compute set's time.
LifVertexShape vertexShapeOf(const LifPlan &plan, std::uint64_t tile = 0);

} // namespace snn_ipu
