// Executes a plan's vertices on the host: one call of compute(worker) per
// (tile, worker), spread over the thread pool. Internal to the host backend.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include <poplar/Vertex.hpp>

#include "ops/host/HostNeuron.hpp"
#include "ops/plan/LifPlan.hpp"
#include "ops/runtime/StreamOutput.hpp"

namespace snn_ipu {

// The plan the host runner uses for a layer of neuron model `model`: one tile
// per thread (more in debug mode), six workers per tile as on the IPU, no
// memory limit. Its chunks are as long as the backward scratch's cache budget
// allows for this T and `scratchPlanes`, the planes per neuron and step the
// backward vertex stores (NeuronBackward::storedPlanes); with 0, the
// forward's, as long as the vertices' chunk arrays (kHostChunkNeurons).
// The plan's backwardScratchElements counts those planes (none for the
// forward).
LifPlan hostPlan(unsigned model, std::uint64_t numSteps, std::uint64_t numNeurons,
                 ElementType type, const HostRunOptions &run,
                 unsigned scratchPlanes);

// Calls vertices[tile].compute(worker) for every tile and worker of the plan.
template <typename VertexT>
void runVertices(const LifPlan &plan, std::vector<VertexT> &vertices,
                 const HostRunOptions &run);

// How many scratch slots runVerticesWithScratch needs for a plan: one per
// work item that can run at once (one per thread).
std::uint64_t scratchSlots(const LifPlan &plan, const HostRunOptions &run);

// Calls vertices[tile].computeWorker(worker, slot) for every tile and worker
// of the plan, where slot is one of scratchSlots(plan, run) slices of
// `scratch`, `slotElements` each, that no other item uses while it runs:
// one scratch per thread rather than the IPU's one per worker of every tile
// (the backward vertex's scratch: 2 instead of 12 slots on two threads).
template <typename VertexT, typename S>
void runVerticesWithScratch(const LifPlan &plan, std::vector<VertexT> &vertices,
                            const HostRunOptions &run, S *scratch,
                            std::uint64_t slotElements);

// Fills n elements with quiet NaN (debug mode's poisoned outputs).
template <typename T> void fillNaN(void *data, std::uint64_t n) {
  T *typed = static_cast<T *>(data);
  const T nan = T(std::numeric_limits<float>::quiet_NaN());
  for (std::uint64_t i = 0; i < n; ++i)
    typed[i] = nan;
}

// The order in which the runner visits the plan's (tile, worker) items:
// tile-major, or a seeded shuffle in debug mode.
std::vector<std::uint64_t> workItemOrder(const LifPlan &plan,
                                         const HostRunOptions &run);
void runWorkItems(const std::vector<std::uint64_t> &order, unsigned numThreads,
                  unsigned workersPerTile,
                  void (*call)(void *context, std::uint64_t tile,
                               unsigned worker),
                  void *context);
// runWorkItems, with each call given a slot in [0, slots) that no other call
// holds while it runs.
void runWorkItemsWithSlots(const std::vector<std::uint64_t> &order,
                           unsigned numThreads, unsigned workersPerTile,
                           std::uint64_t slots,
                           void (*call)(void *context, std::uint64_t tile,
                                        unsigned worker, std::uint64_t slot),
                           void *context);

template <typename VertexT>
void runVertices(const LifPlan &plan, std::vector<VertexT> &vertices,
                 const HostRunOptions &run) {
  const auto order = workItemOrder(plan, run);
  runWorkItems(
      order, run.numThreads, plan.config.workersPerTile,
      [](void *context, std::uint64_t tile, unsigned worker) {
        (*static_cast<std::vector<VertexT> *>(context))[tile].compute(worker);
        poplar::storeFence(); // publish any non-temporal stores
      },
      &vertices);
}

template <typename VertexT, typename S>
void runVerticesWithScratch(const LifPlan &plan, std::vector<VertexT> &vertices,
                            const HostRunOptions &run, S *scratch,
                            std::uint64_t slotElements) {
  struct Context {
    std::vector<VertexT> &vertices;
    S *scratch;
    std::uint64_t slotElements;
  } context{vertices, scratch, slotElements};
  runWorkItemsWithSlots(
      workItemOrder(plan, run), run.numThreads, plan.config.workersPerTile,
      scratchSlots(plan, run),
      [](void *c, std::uint64_t tile, unsigned worker, std::uint64_t slot) {
        auto &ctx = *static_cast<Context *>(c);
        ctx.vertices[tile].computeWorker(worker,
                                         ctx.scratch + slot * ctx.slotElements);
        poplar::storeFence(); // publish any non-temporal stores
      },
      &context);
}

} // namespace snn_ipu
