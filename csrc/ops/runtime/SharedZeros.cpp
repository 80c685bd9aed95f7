#include "ops/runtime/SharedZeros.hpp"

#include <sys/mman.h>

#include <new>

namespace snn_ipu {

// A forked child inherits the mapping.
const void *sharedZeroPages() {
  static const void *const zeros = [] {
    void *p = mmap(nullptr, kMaxSharedZeroBytes, PROT_READ,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
      throw std::bad_alloc();
    return static_cast<const void *>(p);
  }();
  return zeros;
}

} // namespace snn_ipu
