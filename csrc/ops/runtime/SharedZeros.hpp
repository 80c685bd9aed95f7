// Zeros that the kernels read in place of an absent input (no initial
// membrane, no upstream gradient on the spikes, the membrane record or the
// final membrane), so that calls do not allocate and fill zeros of their own
// (1.5 MB per forward + backward of a [25, 128, 1000] layer without an
// initial membrane or a membrane record). Up to kMaxSharedZeroBytes they are
// one read-only anonymous mapping shared by every call: never written, its
// pages all map the kernel's zero page, so it costs no memory and needs no
// lock. A larger request gets zeros of its own.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>

namespace snn_ipu {

constexpr std::size_t kMaxSharedZeroBytes = std::size_t(16) << 20;

// The one shared mapping of kMaxSharedZeroBytes zeros, mapped on first use and
// never unmapped (kernels may read it during static destruction). A runtime
// service: a kernel library reaches the host module's (KernelLibrary.hpp).
const void *sharedZeroPages();

class ZeroBuffer {
public:
  ZeroBuffer() = default;
  // At least `bytes` zero bytes, aligned for any element type.
  explicit ZeroBuffer(std::size_t bytes) {
    if (bytes <= kMaxSharedZeroBytes) {
      data_ = sharedZeroPages();
      return;
    }
    own_.reset(std::calloc(bytes, 1));
    if (!own_)
      throw std::bad_alloc();
    data_ = own_.get();
  }

  template <typename T> const T *as() const { return static_cast<const T *>(data_); }

private:
  struct Free {
    void operator()(void *p) const { std::free(p); }
  };
  std::unique_ptr<void, Free> own_; // only above kMaxSharedZeroBytes
  const void *data_ = nullptr;
};

} // namespace snn_ipu
