#include "ops/runtime/OutputPool.hpp"

#include <pthread.h>
#include <sys/mman.h>

#include <exception>
#include <map>
#include <mutex>
#include <new>
#include <vector>

namespace snn_ipu {

namespace {

constexpr std::size_t kHugePage = std::size_t(1) << 21;
// Buffers are sized in 64 KiB steps, so a 12.8 MB output wastes at most
// 64 KiB rather than most of a huge page; they start on a huge-page
// boundary, so that every whole 2 MiB inside can be a huge page.
constexpr std::size_t kGranule = std::size_t(1) << 16;

std::size_t roundUp(std::size_t bytes) {
  return (bytes + kGranule - 1) / kGranule * kGranule;
}

struct Pool {
  std::mutex mutex;
  std::multimap<std::size_t, void *> cached; // capacity -> buffer
  OutputPoolStats stats;
  Pool() { stats.limitBytes = std::uint64_t(1) << 30; }
};

// Deliberately leaked: buffers may be released by tensors that outlive
// static destruction.
Pool *gPool = new Pool();

void reinitialiseInChild() {
  // Another thread may have held the mutex at fork(); the cached buffers are
  // valid copy-on-write mappings in the child and stay cached.
  new (&gPool->mutex) std::mutex();
}

std::once_flag gAtForkOnce;

void *mapBuffer(std::size_t capacity) {
  // Over-map by one huge page so the buffer can start on a 2 MiB boundary.
  const std::size_t span = capacity + kHugePage;
  void *raw = mmap(nullptr, span, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED)
    throw std::bad_alloc();
  const auto base = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (base + kHugePage - 1) & ~(kHugePage - 1);
  if (aligned > base)
    munmap(raw, aligned - base);
  const std::uintptr_t end = base + span;
  if (end > aligned + capacity)
    munmap(reinterpret_cast<void *>(aligned + capacity), end - (aligned + capacity));
#ifdef MADV_HUGEPAGE
  madvise(reinterpret_cast<void *>(aligned), capacity, MADV_HUGEPAGE);
#endif
  return reinterpret_cast<void *>(aligned);
}

} // namespace

void *poolAllocate(std::size_t bytes, std::size_t *capacity) {
  std::call_once(gAtForkOnce,
                 [] { pthread_atfork(nullptr, nullptr, reinitialiseInChild); });
  const std::size_t want = roundUp(bytes == 0 ? 1 : bytes);
  *capacity = want;
  {
    std::lock_guard<std::mutex> lock(gPool->mutex);
    // The most recently released buffer of this size: its lines are the
    // likeliest to still be in cache (multimap keeps equal keys in
    // insertion order).
    auto range = gPool->cached.equal_range(want);
    if (range.first != range.second) {
      auto hit = std::prev(range.second);
      void *buffer = hit->second;
      gPool->cached.erase(hit);
      gPool->stats.cachedBytes -= want;
      gPool->stats.inUseBytes += want;
      if (gPool->stats.inUseBytes > gPool->stats.peakInUseBytes)
        gPool->stats.peakInUseBytes = gPool->stats.inUseBytes;
      return buffer;
    }
  }
  void *buffer = mapBuffer(want);
  std::lock_guard<std::mutex> lock(gPool->mutex);
  gPool->stats.inUseBytes += want;
  if (gPool->stats.inUseBytes > gPool->stats.peakInUseBytes)
    gPool->stats.peakInUseBytes = gPool->stats.inUseBytes;
  return buffer;
}

namespace {
using Unmaps = std::vector<std::pair<void *, std::size_t>>;

// Over the limit: drop the largest cached buffers first, which frees the most
// memory for the fewest future misses. Called with the mutex held; the caller
// unmaps what it adds to `unmap` after releasing it (also when this throws:
// a buffer leaves the cache only once it is in `unmap`).
void trimLocked(Unmaps &unmap) {
  while (gPool->stats.cachedBytes > gPool->stats.limitBytes &&
         !gPool->cached.empty()) {
    auto largest = std::prev(gPool->cached.end());
    unmap.emplace_back(largest->second, largest->first);
    gPool->stats.cachedBytes -= largest->first;
    gPool->cached.erase(largest);
  }
}

void unmapAll(const Unmaps &unmap) {
  for (const auto &[pointer, size] : unmap)
    munmap(pointer, size);
}
} // namespace

void poolRelease(void *buffer, std::size_t capacity) noexcept {
  Unmaps unmap;
  bool cached = false;
  {
    std::lock_guard<std::mutex> lock(gPool->mutex);
    gPool->stats.inUseBytes -= capacity;
    try {
      gPool->cached.emplace(capacity, buffer);
      cached = true;
      gPool->stats.cachedBytes += capacity;
      trimLocked(unmap);
    } catch (...) {
      // No memory for a map node or for the list of buffers to unmap: an
      // uncached buffer is unmapped below, and so is what trimLocked took
      // out of the cache before it failed; the rest stays cached.
    }
  }
  if (!cached)
    munmap(buffer, capacity);
  unmapAll(unmap);
}

void poolEmptyCache() {
  std::multimap<std::size_t, void *> dropped;
  {
    std::lock_guard<std::mutex> lock(gPool->mutex);
    dropped.swap(gPool->cached);
    gPool->stats.cachedBytes = 0;
  }
  for (const auto &[size, pointer] : dropped)
    munmap(pointer, size);
}

void poolSetLimit(std::uint64_t bytes) {
  Unmaps unmap;
  std::exception_ptr error; // rethrown once what was trimmed is unmapped
  {
    std::lock_guard<std::mutex> lock(gPool->mutex);
    gPool->stats.limitBytes = bytes;
    try {
      trimLocked(unmap);
    } catch (...) {
      error = std::current_exception();
    }
  }
  unmapAll(unmap);
  if (error)
    std::rethrow_exception(error);
}

void poolResetPeak() {
  std::lock_guard<std::mutex> lock(gPool->mutex);
  gPool->stats.peakInUseBytes = gPool->stats.inUseBytes;
}

OutputPoolStats poolStats() {
  std::lock_guard<std::mutex> lock(gPool->mutex);
  return gPool->stats;
}

} // namespace snn_ipu
