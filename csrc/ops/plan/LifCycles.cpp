#include "ops/plan/LifCycles.hpp"

#include <algorithm>

#include "codelets/LifTypes.hpp"
#include "codelets/WorkDivision.hpp"

namespace snn_ipu {

namespace {

// Supervisor start-up and worker launch of a MultiVertex.
constexpr std::uint64_t kVertexOverhead = 50;
// A worker's own start: its id, workerRange's division, field unpacking.
constexpr std::uint64_t kWorkerSetup = 30;
// Per chunk: loop control, then per neuron three parameter loads (with the
// SPAN size test), the clamp of beta and the initial membrane.
constexpr std::uint64_t kChunkSetup = 10;
constexpr std::uint64_t kChunkSetupPerNeuron = 8;
// Per step of a chunk: loop control and one row pointer per 2-D field.
constexpr std::uint64_t kStepOverhead = 3;
constexpr std::uint64_t kRowPointer = 2;

constexpr std::uint64_t kLifStep = 9;
constexpr std::uint64_t kLifStepNoDelay = 4; // the same-step reset
constexpr std::uint64_t kLoad = 2;           // load (+ convert for half)
constexpr std::uint64_t kStore = 2;          // (convert +) store

constexpr std::uint64_t kStepGrad = 16;
constexpr std::uint64_t kStepGradNoDelay = 8;
constexpr std::uint64_t kAccumulate = 4; // three parameter sums and dU carry
constexpr std::uint64_t kFinalStores = 5; // dU0 and three partials, per neuron

constexpr std::uint64_t kDivide = 10;
constexpr std::uint64_t kExp = 18;

// A model's step and step gradient, in worker instructions per neuron,
// counted from its codelet header as kLifStep and kStepGrad are from
// LifStep.hpp and LifStepGrad.hpp (the Leaky figures above).
struct ModelCycles {
  std::uint64_t step;
  std::uint64_t stepGrad;
};
ModelCycles modelCycles(unsigned model) {
  switch (model) {
  case kModelSynaptic: // + the synaptic current's multiply-add and its gradient
    return {kLifStep + 2, kStepGrad + 5};
  case kModelAlpha: // two currents, their sum, tau's multiply, three resets
    return {kLifStep + 9, kStepGrad + 14};
  case kModelLapicque: // four multiplies and an add before the reset
    return {kLifStep + 3, kStepGrad + 8};
  case kModelRLeaky: // + the spike's multiply-add and store; V's gradient
    return {kLifStep + 3, kStepGrad + 5};
  case kModelRSynaptic: // Synaptic's and RLeaky's additions
    return {kLifStep + 5, kStepGrad + 10};
  default:
    return {kLifStep, kStepGrad};
  }
}

template <typename PerChunk>
std::uint64_t vertexCycles(const LifVertexShape &s, PerChunk perChunk) {
  const unsigned workers = std::max(1u, s.numWorkers);
  const unsigned width = std::max(1u, s.chunkNeurons);
  std::uint64_t slowest = 0;
  for (unsigned w = 0; w < workers; ++w) {
    const WorkerRange r =
        workerRange(s.numNeurons, w, workers, std::max(1u, s.grain));
    std::uint64_t cycles = kWorkerSetup;
    for (unsigned first = r.begin; first < r.end; first += width)
      cycles += perChunk(std::min(width, r.end - first));
    slowest = std::max(slowest, cycles);
  }
  return kVertexOverhead + workers * slowest;
}

} // namespace

unsigned surrogateCycles(unsigned surrogate) {
  switch (surrogate) {
  case kSurrogateATan: // scale, square, add, divide
    return 4 + kDivide;
  case kSurrogateFastSigmoid: // abs, mul-add, square, divide
    return 4 + kDivide;
  case kSurrogateSigmoid: // exp, add, divide, two multiplies
    return 4 + kExp + kDivide;
  case kSurrogateStraightThrough:
    return 0;
  case kSurrogateHeaviside:
  case kSurrogateTriangular: // compare, select
    return 2;
  case kSurrogateSpikeRateEscape: // sub, abs, mul, exp, mul
    return 4 + kExp;
  case kSurrogateSparseFastSigmoid: // fast sigmoid, compare, select
    return 6 + kDivide;
  default:
    return 4 + kExp + kDivide;
  }
}

std::uint64_t lifForwardCycles(const LifVertexShape &s, unsigned resetMode,
                               bool resetDelay, bool recordMem) {
  const bool sameStepReset = !resetDelay && resetMode != kResetNone;
  const ModelShape model = modelShape(s.model);
  const std::uint64_t records = recordMem ? model.recorded : 0;
  const std::uint64_t rows = 2 + records;
  const std::uint64_t perNeuronStep = kLoad + modelCycles(s.model).step +
                                      (sameStepReset ? kLifStepNoDelay : 0) +
                                      kStore + records * kStore;
  return vertexCycles(s, [&](unsigned count) {
    const std::uint64_t perStep =
        kStepOverhead + rows * kRowPointer + count * perNeuronStep;
    return kChunkSetup + count * (kChunkSetupPerNeuron + 1) +
           s.numSteps * perStep;
  });
}

std::uint64_t lifBackwardCycles(const LifVertexShape &s, unsigned resetMode,
                                bool resetDelay, unsigned surrogate) {
  const bool sameStepReset = !resetDelay && resetMode != kResetNone;
  const ModelShape model = modelShape(s.model);
  const std::uint64_t planes = savedPlanes(s.model, resetDelay);
  const ModelCycles cycles = modelCycles(s.model);
  const std::uint64_t recompute =
      kLoad + cycles.step + (sameStepReset ? kLifStepNoDelay : 0) + planes;
  // Loads: the spikes' and each record's gradient, the previous states and
  // the saved planes.
  const std::uint64_t loads = 1 + model.recorded + model.states + planes;
  const std::uint64_t reverse = loads * kLoad + cycles.stepGrad +
                                (sameStepReset ? kStepGradNoDelay : 0) +
                                surrogateCycles(surrogate) +
                                (model.states + model.params) * kAccumulate / 4 +
                                kStore;
  return vertexCycles(s, [&](unsigned count) {
    const std::uint64_t forwardSteps =
        s.numSteps * (kStepOverhead + kRowPointer + count * recompute);
    const std::uint64_t reverseSteps =
        s.numSteps * (kStepOverhead + 3 * kRowPointer + count * reverse);
    return kChunkSetup + count * (kChunkSetupPerNeuron + 1 + kFinalStores) +
           forwardSteps + reverseSteps;
  });
}

LifVertexShape vertexShapeOf(const LifPlan &plan, std::uint64_t tile) {
  LifVertexShape s;
  s.numSteps = plan.numSteps;
  s.numNeurons = plan.tileNeurons(tile);
  s.numWorkers = plan.config.workersPerTile;
  s.grain = plan.grain;
  s.chunkNeurons = plan.chunkNeurons;
  s.model = plan.model;
  return s;
}

} // namespace snn_ipu
