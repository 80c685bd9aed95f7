#include "ops/plan/LifPlan.hpp"

#include <limits>
#include <sstream>
#include <string>

#include "codelets/LifTypes.hpp"

namespace snn_ipu {

namespace {

constexpr std::uint64_t kMaxU64 = std::numeric_limits<std::uint64_t>::max();
// Codelets index a tile's neurons with 32-bit unsigned arithmetic (as on the
// IPU); keep every per-tile count, and every scratch index, well inside it.
constexpr std::uint64_t kMaxTileIndex = std::uint64_t(1) << 31;

std::uint64_t ceilDiv(std::uint64_t a, std::uint64_t b) {
  return a / b + (a % b != 0);
}

// Saturating arithmetic: byte counts that overflow become "too large".
std::uint64_t mulSat(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > kMaxU64 / a)
    return kMaxU64;
  return a * b;
}
std::uint64_t addSat(std::uint64_t a, std::uint64_t b) {
  return b > kMaxU64 - a ? kMaxU64 : a + b;
}

std::string bytesText(std::uint64_t bytes) {
  std::ostringstream out;
  if (bytes == kMaxU64)
    out << "more than 2^64 bytes";
  else if (bytes >= 1024 * 1024)
    out << bytes / (1024 * 1024) << " MiB (" << bytes << " bytes)";
  else
    out << bytes / 1024 << " KiB (" << bytes << " bytes)";
  return out.str();
}

} // namespace

// Tiles past the last used one are empty ranges at numNeurons. The product
// is only formed for tile < tilesUsed, where it is below numNeurons: a tile
// index near 2^64 must not wrap around to a small neuron offset.
std::uint64_t LifPlan::tileBegin(std::uint64_t tile) const {
  return tile < tilesUsed ? tile * neuronsPerTile : numNeurons;
}

std::uint64_t LifPlan::tileEnd(std::uint64_t tile) const {
  return tile < tilesUsed ? tileBegin(tile) + tileNeurons(tile) : numNeurons;
}

unsigned LifPlan::tileNeurons(std::uint64_t tile) const {
  if (tile >= tilesUsed)
    return 0;
  const std::uint64_t left = numNeurons - tile * neuronsPerTile;
  return static_cast<unsigned>(left < neuronsPerTile ? left : neuronsPerTile);
}

WorkerRange LifPlan::workerNeurons(std::uint64_t tile, unsigned worker) const {
  return workerRange(tileNeurons(tile), worker, config.workersPerTile, grain);
}

LifPlan planLif(unsigned model, std::uint64_t numSteps, std::uint64_t numNeurons,
                ElementType type, const TileConfig &config) {
  if (model >= kNumModels)
    throw PlanError("LIF plan: unknown neuron model id " + std::to_string(model));
  if (numSteps == 0)
    throw PlanError("LIF plan: the time dimension is empty (T = 0)");
  if (numNeurons == 0)
    throw PlanError("LIF plan: there are no neurons (N = 0)");
  if (config.numTiles == 0)
    throw PlanError("LIF plan: numTiles must be at least 1");
  if (config.workersPerTile == 0)
    throw PlanError("LIF plan: workersPerTile must be at least 1");
  if (config.chunkNeurons == 0)
    throw PlanError("LIF plan: chunkNeurons must be at least 1");
  if (config.scratchPlanes != TileConfig::kMostPlanes &&
      config.scratchPlanes > maxSavedPlanes(model))
    throw PlanError("LIF plan: " + std::to_string(config.scratchPlanes) +
                    " scratch planes, more than the model saves");

  LifPlan plan;
  plan.model = model;
  plan.numSteps = numSteps;
  plan.numNeurons = numNeurons;
  plan.type = type;
  plan.config = config;
  plan.grain = workerGrain(type);
  // The tile share is checked before it is rounded up to the grain: rounding
  // a share near 2^64 would wrap to 0 (and divide by zero below).
  const std::uint64_t share = ceilDiv(numNeurons, config.numTiles);
  if (share >= kMaxTileIndex ||
      ceilDiv(share, plan.grain) * plan.grain >= kMaxTileIndex) {
    std::ostringstream msg;
    msg << "LIF plan: " << numNeurons << " neurons over " << config.numTiles
        << " tiles puts " << share
        << " neurons on a tile; the codelets index at most 2^31 per tile";
    throw PlanError(msg.str());
  }
  plan.neuronsPerTile = ceilDiv(share, plan.grain) * plan.grain;
  plan.tilesUsed = ceilDiv(numNeurons, plan.neuronsPerTile);

  // No chunk wider than the largest worker block (rounded to the grain).
  const std::uint64_t workerMax =
      ceilDiv(ceilDiv(plan.neuronsPerTile, plan.grain), config.workersPerTile) *
      plan.grain;
  plan.chunkNeurons = static_cast<unsigned>(
      workerMax < config.chunkNeurons ? workerMax : config.chunkNeurons);

  const std::uint64_t p = plan.neuronsPerTile;
  const std::uint64_t eb = elementBytes(type);
  const std::uint64_t sb = stateBytes(type);
  const std::uint64_t edgeBytes = 4; // one pointer per edge
  const ModelShape shape = modelShape(model);
  const std::uint64_t states = shape.states, recorded = shape.recorded,
                      params = shape.params;
  const std::uint64_t planes = config.scratchPlanes == TileConfig::kMostPlanes
                                   ? maxSavedPlanes(model)
                                   : config.scratchPlanes;

  plan.backwardScratchElements =
      mulSat(mulSat(mulSat(config.workersPerTile, numSteps), plan.chunkNeurons),
             planes);
  if (plan.backwardScratchElements >= kMaxTileIndex) {
    std::ostringstream msg;
    msg << "LIF plan: T = " << numSteps << " needs a backward scratch of ";
    if (plan.backwardScratchElements == kMaxU64) // saturated
      msg << "more than 2^64";
    else
      msg << plan.backwardScratchElements;
    msg << " elements per tile; the codelets index at most 2^31";
    throw PlanError(msg.str());
  }

  // Forward: rows of the current, the spikes and each recorded state; the
  // initial and final states and the parameters per neuron; an edge per row.
  const std::uint64_t fwdRows = 2 + recorded;
  std::uint64_t fwd = mulSat(mulSat(numSteps, p), fwdRows * eb);
  fwd = addSat(fwd, mulSat(p, (2 * states + params) * sb));
  fwd = addSat(fwd, mulSat(numSteps, fwdRows * edgeBytes));
  // Backward: rows of the current, the upstream gradients of the spikes and
  // of each recorded state, and the current's gradient; per neuron the
  // initial states, the final states' gradients, the parameters and the
  // gradients of both; the rows' edges; the recomputed-state scratch.
  const std::uint64_t bwdRows = 3 + recorded;
  std::uint64_t bwd = mulSat(mulSat(numSteps, p), bwdRows * eb);
  bwd = addSat(bwd, mulSat(p, (3 * states + 2 * params) * sb));
  bwd = addSat(bwd, mulSat(numSteps, bwdRows * edgeBytes));
  bwd = addSat(bwd, mulSat(plan.backwardScratchElements, sb));
  plan.forwardBytesPerTile = fwd;
  plan.backwardBytesPerTile = bwd;

  const std::uint64_t worst = fwd > bwd ? fwd : bwd;
  if (worst > config.bytesPerTile) {
    std::ostringstream msg;
    msg << "LIF plan: T = " << numSteps << ", N = " << numNeurons << " ("
        << elementTypeName(type) << ") puts " << p << " neurons on each of "
        << plan.tilesUsed << " tiles, which needs " << bytesText(worst)
        << " per tile for the " << (bwd >= fwd ? "backward" : "forward")
        << " pass; the limit is " << bytesText(config.bytesPerTile)
        << " per tile (" << config.numTiles
        << " tiles). Use fewer time steps or neurons per call, or more tiles.";
    throw PlanError(msg.str());
  }
  return plan;
}

} // namespace snn_ipu
