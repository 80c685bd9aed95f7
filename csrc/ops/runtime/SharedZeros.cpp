#include "ops/runtime/SharedZeros.hpp"

#include <sys/mman.h>

#include <cstdlib>
#include <new>

namespace snn_ipu {

namespace {

// Mapped on first use, never unmapped (kernels may read it during static
// destruction); a forked child inherits it.
const void *sharedZeros() {
  static const void *const zeros = [] {
    void *p = mmap(nullptr, kMaxSharedZeroBytes, PROT_READ,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
      throw std::bad_alloc();
    return static_cast<const void *>(p);
  }();
  return zeros;
}

} // namespace

void ZeroBuffer::Free::operator()(void *p) const { std::free(p); }

ZeroBuffer::ZeroBuffer(std::size_t bytes) {
  if (bytes <= kMaxSharedZeroBytes) {
    data_ = sharedZeros();
    return;
  }
  own_.reset(std::calloc(bytes, 1));
  if (!own_)
    throw std::bad_alloc();
  data_ = own_.get();
}

} // namespace snn_ipu
