#include "ops/runtime/StreamOutput.hpp"

#include <unistd.h>

#include <atomic>

namespace snn_ipu {

namespace {
std::atomic<std::uint64_t> gStreamingRuns{0};
} // namespace

std::uint64_t streamingRunCount() {
  return gStreamingRuns.load(std::memory_order_relaxed);
}

bool streamOutput(std::uint64_t bytes) {
  // What one core complex's threads can keep: sysconf's last-level cache size
  // is not reliable in virtual machines (one reports 384 MiB for a 32 MiB
  // L3), so take the smaller of it and 32 MiB.
  static const std::uint64_t lastLevelCache = [] {
    std::uint64_t size = std::uint64_t(32) << 20;
#ifdef _SC_LEVEL3_CACHE_SIZE
    const long reported = sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (reported > 0 && std::uint64_t(reported) < size)
      size = std::uint64_t(reported);
#endif
    return size;
  }();
  const bool stream = bytes > lastLevelCache;
  if (stream)
    gStreamingRuns.fetch_add(1, std::memory_order_relaxed);
  return stream;
}

} // namespace snn_ipu
