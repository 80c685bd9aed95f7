#include "ops/runtime/Parallel.hpp"

#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "ops/runtime/ThreadPool.hpp"

namespace snn_ipu {

namespace {

struct OpenMpRuntime {
  void (*parallel)(void (*)(void *), void *, unsigned, unsigned) = nullptr;
  int (*threadNum)() = nullptr;
  int (*numThreads)() = nullptr;
  std::string library;
  pid_t owner = 0; // the process that found it: unusable in forked children
};

int findLoadedRuntime(dl_phdr_info *info, std::size_t, void *out) {
  const char *name = info->dlpi_name;
  if (name == nullptr ||
      (std::strstr(name, "libgomp") == nullptr && std::strstr(name, "libiomp") == nullptr))
    return 0;
  void *handle = dlopen(name, RTLD_LAZY | RTLD_NOLOAD);
  if (handle == nullptr)
    return 0;
  auto *runtime = static_cast<OpenMpRuntime *>(out);
  runtime->parallel = reinterpret_cast<decltype(runtime->parallel)>(
      dlsym(handle, "GOMP_parallel"));
  runtime->threadNum = reinterpret_cast<decltype(runtime->threadNum)>(
      dlsym(handle, "omp_get_thread_num"));
  runtime->numThreads = reinterpret_cast<decltype(runtime->numThreads)>(
      dlsym(handle, "omp_get_num_threads"));
  if (runtime->parallel && runtime->threadNum && runtime->numThreads) {
    runtime->library = name;
    return 1; // stop at the first complete runtime
  }
  *runtime = OpenMpRuntime();
  return 0;
}

// Looked up on first use (torch, imported before snn_ipu, has loaded it).
const OpenMpRuntime &loadedRuntime() {
  static OpenMpRuntime runtime = [] {
    OpenMpRuntime found;
    dl_iterate_phdr(findLoadedRuntime, &found);
    found.owner = getpid();
    return found;
  }();
  return runtime;
}

bool openMpUsable() {
  const OpenMpRuntime &runtime = loadedRuntime();
  return runtime.parallel != nullptr && runtime.owner == getpid();
}

std::atomic<ThreadingBackend> gBackend{ThreadingBackend::Auto};
std::atomic<std::uint64_t> gSerialRuns{0}, gOpenMpRuns{0}, gPoolRuns{0};

struct TeamJob {
  const std::function<void(std::size_t)> *fn;
  std::size_t count;
  const OpenMpRuntime *runtime;
};

void runTeamPart(void *data) {
  const auto *job = static_cast<const TeamJob *>(data);
  const std::size_t part = static_cast<std::size_t>(job->runtime->threadNum());
  const std::size_t parts = static_cast<std::size_t>(job->runtime->numThreads());
  const std::size_t begin = job->count * part / parts;
  const std::size_t end = job->count * (part + 1) / parts;
  for (std::size_t i = begin; i < end; ++i)
    (*job->fn)(i);
}

} // namespace

void parallelFor(std::size_t count, unsigned numThreads,
                 const std::function<void(std::size_t)> &fn) {
  if (numThreads > count)
    numThreads = static_cast<unsigned>(count);
  if (numThreads <= 1) {
    gSerialRuns.fetch_add(1, std::memory_order_relaxed);
    for (std::size_t i = 0; i < count; ++i)
      fn(i);
    return;
  }
  if (gBackend.load() != ThreadingBackend::Pool && openMpUsable()) {
    gOpenMpRuns.fetch_add(1, std::memory_order_relaxed);
    TeamJob job{&fn, count, &loadedRuntime()};
    loadedRuntime().parallel(runTeamPart, &job, numThreads, 0);
    return;
  }
  gPoolRuns.fetch_add(1, std::memory_order_relaxed);
  poolParallelFor(count, numThreads, fn);
}

ParallelRunCounts parallelRunCounts() {
  ParallelRunCounts counts;
  counts.serial = gSerialRuns.load(std::memory_order_relaxed);
  counts.openMp = gOpenMpRuns.load(std::memory_order_relaxed);
  counts.pool = gPoolRuns.load(std::memory_order_relaxed);
  return counts;
}

void setThreadingBackend(ThreadingBackend backend) {
  if (backend == ThreadingBackend::OpenMp && !openMpUsable())
    throw std::runtime_error(
        "threading backend 'openmp': no OpenMP runtime (libgomp or libiomp5) is "
        "loaded in this process, or this is a forked child");
  gBackend.store(backend);
}

std::string threadingBackendDescription() {
  if (gBackend.load() != ThreadingBackend::Pool && openMpUsable())
    return "openmp (" + loadedRuntime().library + ")";
  return "pool";
}

} // namespace snn_ipu
