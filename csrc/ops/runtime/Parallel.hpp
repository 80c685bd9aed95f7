// Where the host runner's work items run: on the OpenMP team of the torch
// that is loaded in the process, when there is one, else on snn_ipu's own
// thread pool (ThreadPool.hpp).
//
// Why torch's team: after every parallel torch op its OpenMP workers spin for
// several milliseconds waiting for the next one. Threads of our own would
// share the cores with those spinning workers, which slows down a kernel
// launched right after a matmul (benchmarks/RESULTS.md, "Tuning constants").
// Handing our items to the same team puts the spinning workers to work
// instead.
//
// The team is reached through the GNU OpenMP ABI (GOMP_parallel and
// omp_get_thread_num / omp_get_num_threads) of the already-loaded libgomp
// (or libiomp5, which exports the same entry points), looked up by name at
// run time: snn_ipu does not link an OpenMP runtime of its own, which would
// be a second team. In a forked child, OpenMP runtimes are not usable (the
// parent's threads are gone), so there the own pool, which is fork-safe,
// is used.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace snn_ipu {

enum class ThreadingBackend { Auto, Pool, OpenMp };

// Runs fn(i) for i in [0, count) on up to `numThreads` threads, thread j of n
// taking the contiguous items [j*count/n, (j+1)*count/n).
void parallelFor(std::size_t count, unsigned numThreads,
                 const std::function<void(std::size_t)> &fn);

// Auto (the default) prefers OpenMp when available. Forcing OpenMp where no
// OpenMP runtime is loaded throws std::runtime_error.
void setThreadingBackend(ThreadingBackend backend);
// What parallelFor uses now: "openmp (<library>)" or "pool".
std::string threadingBackendDescription();

// How many parallelFor calls ran where, since the process started: on the
// calling thread alone (one thread or one item), on torch's OpenMP team, or
// on snn_ipu's own pool. For tests that must know which path ran (counts
// are process-wide: concurrent callers add to them too).
struct ParallelRunCounts {
  std::uint64_t serial = 0;
  std::uint64_t openMp = 0;
  std::uint64_t pool = 0;
};
ParallelRunCounts parallelRunCounts();

} // namespace snn_ipu
