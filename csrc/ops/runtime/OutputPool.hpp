// A caching pool for the host kernels' large output buffers.
//
// A kernel output is written once, right after it is allocated. Fresh memory
// from mmap pays for that first write with page faults and page zeroing (and,
// with transparent huge pages, sometimes compaction), which can cost more than
// the kernel itself (benchmarks/RESULTS.md, "Tuning constants"). The pool
// keeps the buffers of dead outputs, up to a byte limit, and hands them out
// again: in a training loop every call after the first reuses the previous
// call's pages.
// New buffers are 2 MiB aligned and advised to use transparent huge pages.
// Only a buffer of exactly the same (64 KiB-rounded) size is reused.
#pragma once

#include <cstddef>
#include <cstdint>

namespace snn_ipu {

struct OutputPoolStats {
  std::uint64_t inUseBytes = 0;     // handed out, not yet released
  std::uint64_t peakInUseBytes = 0; // since the last resetPeak()
  std::uint64_t cachedBytes = 0;    // released, kept for reuse
  std::uint64_t limitBytes = 0;     // most cachedBytes kept
};

// A buffer of at least `bytes` (rounded up to 64 KiB), 2 MiB aligned.
// Throws std::bad_alloc.
void *poolAllocate(std::size_t bytes, std::size_t *capacity);
// Gives a buffer back; it is cached, or unmapped if the cache is full (or
// if caching it fails: it never throws, as destructors call it).
void poolRelease(void *buffer, std::size_t capacity) noexcept;
// Unmaps every cached buffer.
void poolEmptyCache();
void poolSetLimit(std::uint64_t bytes);
void poolResetPeak();
OutputPoolStats poolStats();

// A pool buffer held for one scope: the backward's scratch and the
// initial-membrane gradient nobody asked for. From the pool rather than
// malloc, so that they are counted in its statistics (the peak memory the
// benchmarks report) and, at the sizes many threads need (megabytes per
// call), reused instead of mapped and faulted in on every call.
class PoolBuffer {
public:
  explicit PoolBuffer(std::size_t bytes) { data_ = poolAllocate(bytes, &capacity_); }
  ~PoolBuffer() { poolRelease(data_, capacity_); }
  PoolBuffer(const PoolBuffer &) = delete;
  PoolBuffer &operator=(const PoolBuffer &) = delete;

  template <typename T> T *as() const { return static_cast<T *>(data_); }

private:
  std::size_t capacity_ = 0;
  void *data_ = nullptr;
};

} // namespace snn_ipu
