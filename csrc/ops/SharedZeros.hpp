// Zeros that the kernels read in place of an absent input (no initial
// membrane, no upstream gradient on the spikes, the membrane record or the
// final membrane): one read-only buffer shared by every call, grown when a
// call needs more and never written, so that calls do not allocate and fill
// zeros of their own (1.5 MB per forward + backward of a [25, 128, 1000]
// layer without an initial membrane or a membrane record). A request above
// kMaxSharedZeroBytes gets a buffer of its own, so that one huge layer does
// not pin its zeros for the life of the process.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace snn_ipu {

constexpr std::size_t kMaxSharedZeroBytes = std::size_t(16) << 20;

// Drops the shared buffer (calls reading it keep it until they finish); the
// next call that needs zeros makes a new one.
void releaseSharedZeros();

class ZeroBuffer {
public:
  ZeroBuffer() = default;
  // At least `bytes` zero bytes, aligned for any element type.
  explicit ZeroBuffer(std::size_t bytes);

  const void *data() const { return data_; }
  template <typename T> const T *as() const { return static_cast<const T *>(data_); }

private:
  std::shared_ptr<const std::vector<std::uint64_t>> buffer_; // kept alive while held
  const void *data_ = nullptr;
};

} // namespace snn_ipu
