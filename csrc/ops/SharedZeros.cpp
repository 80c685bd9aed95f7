#include "SharedZeros.hpp"

#include <pthread.h>

#include <algorithm>
#include <mutex>
#include <new>

namespace snn_ipu {

namespace {

struct Shared {
  std::mutex mutex;
  std::shared_ptr<const std::vector<std::uint64_t>> zeros;
};

// Deliberately leaked: a kernel may still hold the buffer during static
// destruction.
Shared *gShared = new Shared();
std::once_flag gAtForkOnce;

// Another thread may have held the mutex at fork(); the buffer itself is a
// valid copy-on-write mapping in the child.
void reinitialiseInChild() { new (&gShared->mutex) std::mutex(); }

} // namespace

void releaseSharedZeros() {
  std::call_once(gAtForkOnce,
                 [] { pthread_atfork(nullptr, nullptr, reinitialiseInChild); });
  std::lock_guard<std::mutex> lock(gShared->mutex);
  gShared->zeros.reset();
}

ZeroBuffer::ZeroBuffer(std::size_t bytes) {
  const std::size_t words = bytes / sizeof(std::uint64_t) + 1;
  if (bytes > kMaxSharedZeroBytes) {
    buffer_ = std::make_shared<const std::vector<std::uint64_t>>(words, 0);
  } else {
    std::call_once(gAtForkOnce,
                   [] { pthread_atfork(nullptr, nullptr, reinitialiseInChild); });
    std::lock_guard<std::mutex> lock(gShared->mutex);
    if (!gShared->zeros || gShared->zeros->size() < words) {
      // Doubling: a few growths reach the largest layer of a model. Calls
      // still reading the old buffer keep it until they finish.
      const std::size_t grown =
          std::max(words, gShared->zeros ? 2 * gShared->zeros->size() : words);
      gShared->zeros = std::make_shared<const std::vector<std::uint64_t>>(
          std::min(grown, kMaxSharedZeroBytes / sizeof(std::uint64_t) + 1), 0);
    }
    buffer_ = gShared->zeros;
  }
  data_ = buffer_->data();
}

} // namespace snn_ipu
