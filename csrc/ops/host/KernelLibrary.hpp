// The interface between the host module (snn_ipu._host) and a kernel library
// (libsnn_ipu_kernels_<level>.so): the kernel translation units compiled for
// one instruction-set level, which the module loads at import with dlopen
// after checking that the CPU has that level (ops/host/IsaLevels.hpp).
//
// Why a library per level: template instantiations and inline functions
// (codelets, the shim, std::vector, the plan's helpers) are weak symbols, and
// a linker keeps one copy of each per module, so the levels' kernels compiled
// into one module could end up running AVX-512 code on a CPU without it. A
// kernel library exports one C function, snn_ipu_kernel_library, and keeps
// every other symbol local (cmake/kernel_library.map), so its code only ever
// calls its own copies.
//
// What must stay single in the process — the threads (torch's OpenMP team or
// snn_ipu's pool), the output pool, the shared zeros, the streaming decision
// and the run counters — stays in the module: the library reaches those
// runtime services through KernelServices, which the module fills in.
// Everything else a kernel needs (the plan, the runner helpers) is compiled
// into each library.
#pragma once

#include <cstddef>

#include "ops/host/HostNeuron.hpp"
#include "ops/runtime/OutputPool.hpp"
#include "ops/runtime/Parallel.hpp"
#include "ops/runtime/SharedZeros.hpp"
#include "ops/runtime/StreamOutput.hpp"

// The kernels' entry points: functions declared in ops/host/ headers and
// defined by the kernel translation units (SNN_IPU_KERNEL_SOURCES in
// CMakeLists.txt). The module calls them through kernels().name(...); one
// line here per entry point.
#define SNN_IPU_KERNEL_ENTRIES(X)                                              \
  X(hostNeuronForward)                                                         \
  X(hostNeuronBackward)

// The runtime services the kernels call: functions of ops/runtime/, defined
// in the module; a kernel library defines each as a call through
// KernelServices (KernelLibrary.cpp), with the same signature.
#define SNN_IPU_KERNEL_SERVICES(X)                                             \
  X(parallelFor)                                                               \
  X(poolAllocate)                                                              \
  X(poolRelease)                                                               \
  X(sharedZeroPages)                                                           \
  X(streamOutput)

namespace snn_ipu {

// (Qualified: a field may not change what its unqualified name means.)
#define SNN_IPU_POINTER_FIELD(name) decltype(&snn_ipu::name) name = nullptr;
struct KernelEntries {
  SNN_IPU_KERNEL_ENTRIES(SNN_IPU_POINTER_FIELD)
  // The element types the entries run: bit 1 << ElementType of each.
  unsigned elementTypes = 0;
};
struct KernelServices {
  SNN_IPU_KERNEL_SERVICES(SNN_IPU_POINTER_FIELD)
};
#undef SNN_IPU_POINTER_FIELD

// What both sides must agree on; a library built from other sources (a stale
// file left in the package folder) is refused rather than called. All
// std::size_t, so that the two are compared byte for byte (no padding).
struct KernelAbi {
  std::size_t size = sizeof(KernelAbi); // compared first
  std::size_t version = 1; // raise when an entry's meaning changes
  std::size_t entries = sizeof(KernelEntries);
  std::size_t services = sizeof(KernelServices);
  std::size_t forwardArgs = sizeof(NeuronForwardArgs);
  std::size_t backwardArgs = sizeof(NeuronBackwardArgs);
  std::size_t options = sizeof(NeuronOptions);
  std::size_t run = sizeof(HostRunOptions);
};

} // namespace snn_ipu

// The one symbol a kernel library exports. Checks `abi` against its own,
// keeps `services` (which must outlive it), fills `entries`, and returns
// null; or returns why it cannot (then `entries` is left alone). `level` is
// set to the level the library was compiled for.
extern "C" {
using SnnIpuKernelLibraryFn = const char *(*)(const snn_ipu::KernelAbi *abi,
                                              const snn_ipu::KernelServices *services,
                                              snn_ipu::KernelEntries *entries,
                                              const char **level);
}
#define SNN_IPU_KERNEL_LIBRARY_SYMBOL "snn_ipu_kernel_library"
