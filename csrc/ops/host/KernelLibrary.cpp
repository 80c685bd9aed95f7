// Compiled into each kernel library (never into the module): its one exported
// function, and the runtime services as calls into the module that loaded it.
#include "ops/host/KernelLibrary.hpp"

#include <cstring>
#include <type_traits>

#include "ops/host/HostDispatch.hpp"

#ifndef SNN_IPU_ISA_LEVEL
#error "a kernel library is compiled with SNN_IPU_ISA_LEVEL set to its level's name"
#endif

namespace snn_ipu {

namespace {
KernelServices gServices; // the module's, set once when it loads the library
} // namespace

// The runtime services, with the signatures ops/runtime/ declares them with.
void parallelFor(std::size_t count, unsigned numThreads,
                 const std::function<void(std::size_t)> &fn) {
  gServices.parallelFor(count, numThreads, fn);
}
void *poolAllocate(std::size_t bytes, std::size_t *capacity) {
  return gServices.poolAllocate(bytes, capacity);
}
void poolRelease(void *buffer, std::size_t capacity) noexcept {
  gServices.poolRelease(buffer, capacity);
}
const void *sharedZeroPages() { return gServices.sharedZeroPages(); }
bool streamOutput(std::uint64_t bytes) { return gServices.streamOutput(bytes); }

} // namespace snn_ipu

extern "C" __attribute__((visibility("default"))) const char *
snn_ipu_kernel_library(const snn_ipu::KernelAbi *abi,
                       const snn_ipu::KernelServices *services,
                       snn_ipu::KernelEntries *entries, const char **level) {
  using namespace snn_ipu;
  *level = SNN_IPU_ISA_LEVEL;
  const KernelAbi mine;
  if (abi->size != mine.size || std::memcmp(abi, &mine, sizeof mine) != 0)
    return "it was built from other sources than the module (rebuild the package)";
  gServices = *services;
#define SNN_IPU_SET_ENTRY(name) entries->name = &name;
  SNN_IPU_KERNEL_ENTRIES(SNN_IPU_SET_ENTRY)
#undef SNN_IPU_SET_ENTRY
  entries->elementTypes = (SNN_IPU_KERNEL_HALF ? 1u << unsigned(ElementType::Half) : 0u) |
                          1u << unsigned(ElementType::Float) |
                          (SNN_IPU_KERNEL_DOUBLE ? 1u << unsigned(ElementType::Double) : 0u);
  return nullptr;
}
static_assert(std::is_same_v<decltype(&snn_ipu_kernel_library), SnnIpuKernelLibraryFn>,
              "the entry point's type is the one the module looks up");
