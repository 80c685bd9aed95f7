#include "ops/runtime/ThreadPool.hpp"

#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace snn_ipu {

namespace {

class ThreadPool {
public:
  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto &thread : helpers_)
      thread.join();
  }

  void run(std::size_t count, unsigned numThreads,
           const std::function<void(std::size_t)> &fn) {
    std::lock_guard<std::mutex> jobLock(jobMutex_);
    ensureHelpers(numThreads - 1);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &fn;
      count_ = count;
      parts_ = numThreads;
      pending_ = numThreads - 1;
      ++generation_;
    }
    wake_.notify_all();
    runPart(0);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
    job_ = nullptr;
  }

private:
  void runPart(unsigned part) const {
    const std::size_t begin = count_ * part / parts_;
    const std::size_t end = count_ * (part + 1) / parts_;
    for (std::size_t i = begin; i < end; ++i)
      (*job_)(i);
  }

  void ensureHelpers(unsigned wanted) {
    while (helpers_.size() < wanted) {
      const unsigned part = static_cast<unsigned>(helpers_.size()) + 1;
      std::lock_guard<std::mutex> lock(mutex_);
      helpers_.emplace_back([this, part, seen = generation_]() mutable {
        helperLoop(part, seen);
      });
    }
  }

  void helperLoop(unsigned part, unsigned long seen) {
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
        if (stopping_)
          return;
        seen = generation_;
        if (part >= parts_)
          continue; // this job uses fewer threads
      }
      runPart(part);
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0)
        done_.notify_one();
    }
  }

  std::mutex jobMutex_; // one job at a time
  std::mutex mutex_;    // guards the job description below
  std::condition_variable wake_;
  std::condition_variable done_;
  std::vector<std::thread> helpers_;
  const std::function<void(std::size_t)> *job_ = nullptr;
  std::size_t count_ = 0;
  unsigned parts_ = 0;
  unsigned pending_ = 0;
  unsigned long generation_ = 0;
  bool stopping_ = false;
};

std::atomic<ThreadPool *> gPool{nullptr};
std::once_flag gAtForkOnce;

// In a forked child the helper threads are gone and the mutexes may be held by
// threads that no longer exist: abandon the parent's pool (deliberately
// leaked) and let the child build its own on first use.
void forgetPoolInChild() { gPool.store(nullptr); }

ThreadPool &pool() {
  std::call_once(gAtForkOnce,
                 [] { pthread_atfork(nullptr, nullptr, forgetPoolInChild); });
  ThreadPool *current = gPool.load();
  if (current == nullptr) {
    // The pool starts no thread until its first job, so a losing candidate
    // can simply be deleted. The winner lives until exit.
    auto *candidate = new ThreadPool();
    if (gPool.compare_exchange_strong(current, candidate))
      current = candidate;
    else
      delete candidate;
  }
  return *current;
}

} // namespace

void poolParallelFor(std::size_t count, unsigned numThreads,
                     const std::function<void(std::size_t)> &fn) {
  pool().run(count, numThreads, fn);
}

} // namespace snn_ipu
