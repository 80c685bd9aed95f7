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
// memory limit, chunks as long as the backward scratch's cache budget allows
// for this T and the model's saved planes.
LifPlan hostPlan(unsigned model, std::uint64_t numSteps, std::uint64_t numNeurons,
                 ElementType type, const HostRunOptions &run);

// Calls vertices[tile].compute(worker) for every tile and worker of the plan.
template <typename VertexT>
void runVertices(const LifPlan &plan, std::vector<VertexT> &vertices,
                 const HostRunOptions &run);

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

} // namespace snn_ipu
