#include "ops/host/HostRunner.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <numeric>
#include <random>
#include <string>
#include <thread>

#include "codelets/LifTypes.hpp"
#include "ops/runtime/Parallel.hpp"

namespace snn_ipu {

namespace {
// Tiles index neurons with 32-bit arithmetic; keep host tiles far below that.
constexpr std::uint64_t kMaxHostTileNeurons = std::uint64_t(1) << 30;
// The backward vertex keeps a chunk's stored planes for all T steps while it
// walks the steps in reverse: keep them within half of a core's L2 so that
// the reverse pass reads them from cache.
constexpr std::uint64_t kScratchBudgetBytes = 512 * 1024;
// Below a 64-byte line per row and step, strided rows waste bandwidth.
constexpr std::uint64_t kMinHostChunkBytes = 64;

unsigned hostChunkNeurons(std::uint64_t numSteps, ElementType type,
                          unsigned scratchPlanes) {
  const std::uint64_t sb = stateBytes(type);
  const std::uint64_t maxChunk =
      type == ElementType::Double ? kHostChunkNeurons<double> : kHostChunkNeurons<float>;
  // The forward keeps only a chunk's states, in L1: the longest rows.
  if (scratchPlanes == 0)
    return static_cast<unsigned>(maxChunk);
  const std::uint64_t line = kMinHostChunkBytes / sb;
  // The scratch per neuron and step. numSteps * bytesPerNeuron would wrap
  // for T near 2^61 (and could divide by zero): past the budget the chunk is
  // simply the minimum.
  const std::uint64_t bytesPerNeuron = sb * scratchPlanes;
  std::uint64_t chunk = numSteps > kScratchBudgetBytes / bytesPerNeuron
                            ? 0
                            : kScratchBudgetBytes / (numSteps * bytesPerNeuron);
  chunk = chunk / line * line;
  chunk = std::max(line, std::min(maxChunk, chunk));
  return static_cast<unsigned>(chunk);
}
} // namespace

LifPlan hostPlan(unsigned model, std::uint64_t numSteps, std::uint64_t numNeurons,
                 ElementType type, const HostRunOptions &run,
                 unsigned scratchPlanes) {
  if (model >= kNumModels)
    throw PlanError("LIF plan: unknown neuron model id " + std::to_string(model));
  TileConfig config;
  const std::uint64_t threads = run.numThreads == 0 ? 1 : run.numThreads;
  // One tile per thread keeps each thread on one contiguous neuron range; the
  // debug mode uses more, smaller tiles so that shuffling reorders more.
  std::uint64_t tiles = run.debug ? 3 * threads + 1 : threads;
  const std::uint64_t minTiles =
      numNeurons / kMaxHostTileNeurons + (numNeurons % kMaxHostTileNeurons != 0);
  config.numTiles = std::max(tiles, minTiles);
  config.workersPerTile = poplar::MultiVertex::numWorkers();
  config.bytesPerTile = std::numeric_limits<std::uint64_t>::max();
  config.scratchPlanes = scratchPlanes;
  config.chunkNeurons =
      hostChunkNeurons(numSteps == 0 ? 1 : numSteps, type, scratchPlanes);
  return planLif(model, numSteps, numNeurons, type, config);
}

std::vector<std::uint64_t> workItemOrder(const LifPlan &plan,
                                         const HostRunOptions &run) {
  std::vector<std::uint64_t> order(plan.tilesUsed * plan.config.workersPerTile);
  std::iota(order.begin(), order.end(), std::uint64_t(0));
  if (run.debug) {
    std::mt19937_64 rng(run.debugSeed);
    std::shuffle(order.begin(), order.end(), rng);
  }
  return order;
}

void runWorkItems(const std::vector<std::uint64_t> &order, unsigned numThreads,
                  unsigned workersPerTile,
                  void (*call)(void *context, std::uint64_t tile,
                               unsigned worker),
                  void *context) {
  // An exception must not leave a worker thread (OpenMP would terminate the
  // process): the first one is kept and rethrown here, on the caller's.
  std::mutex errorMutex;
  std::exception_ptr error;
  parallelFor(order.size(), numThreads, [&](std::size_t i) {
    const std::uint64_t item = order[i];
    try {
      call(context, item / workersPerTile,
           static_cast<unsigned>(item % workersPerTile));
    } catch (...) {
      const std::lock_guard<std::mutex> lock(errorMutex);
      if (!error)
        error = std::current_exception();
    }
  });
  if (error)
    std::rethrow_exception(error);
}

std::uint64_t scratchSlots(const LifPlan &plan, const HostRunOptions &run) {
  const std::uint64_t items = plan.tilesUsed * plan.config.workersPerTile;
  const std::uint64_t threads = run.numThreads == 0 ? 1 : run.numThreads;
  return std::max<std::uint64_t>(1, std::min(items, threads));
}

void runWorkItemsWithSlots(const std::vector<std::uint64_t> &order,
                           unsigned numThreads, unsigned workersPerTile,
                           std::uint64_t slots,
                           void (*call)(void *context, std::uint64_t tile,
                                        unsigned worker, std::uint64_t slot),
                           void *context) {
  // parallelFor runs at most numThreads items at once, and slots is at least
  // that (scratchSlots), so a free slot is normally found on the first pass;
  // should more run at once, an item waits for one to be released.
  const std::unique_ptr<std::atomic<bool>[]> busy(new std::atomic<bool>[slots]);
  for (std::uint64_t s = 0; s < slots; ++s)
    busy[s].store(false, std::memory_order_relaxed);
  struct Slotted {
    void (*call)(void *, std::uint64_t, unsigned, std::uint64_t);
    void *context;
    std::atomic<bool> *busy;
    std::uint64_t slots;
  } slotted{call, context, busy.get(), slots};
  runWorkItems(
      order, numThreads, workersPerTile,
      [](void *c, std::uint64_t tile, unsigned worker) {
        auto &s = *static_cast<Slotted *>(c);
        std::uint64_t slot = 0;
        for (;; std::this_thread::yield()) {
          for (slot = 0; slot < s.slots; ++slot)
            if (!s.busy[slot].exchange(true, std::memory_order_acquire))
              break;
          if (slot < s.slots)
            break;
        }
        // Released however the call ends (runWorkItems keeps the exception).
        struct Release {
          std::atomic<bool> &flag;
          ~Release() { flag.store(false, std::memory_order_release); }
        } release{s.busy[slot]};
        s.call(s.context, tile, worker, slot);
      },
      &slotted);
}

} // namespace snn_ipu
