// A small persistent thread pool for the host runner.
//
// One job runs at a time (callers from several Python threads queue on a
// mutex); a job is `count` items split into contiguous ranges, one per thread,
// the calling thread taking the first. After fork() the child gets a fresh
// pool: the parent's helper threads do not exist there.
#pragma once

#include <cstddef>
#include <functional>

namespace snn_ipu {

// Runs fn(i) for i in [0, count) on `numThreads` threads (the caller counts
// as one; 2 <= numThreads <= count, as parallelFor in Parallel.hpp ensures).
// Thread j runs items [j*count/numThreads, (j+1)*count/numThreads) in order,
// so each thread owns a contiguous stretch of items.
void poolParallelFor(std::size_t count, unsigned numThreads,
                     const std::function<void(std::size_t)> &fn);

} // namespace snn_ipu
