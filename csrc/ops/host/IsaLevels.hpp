// The instruction-set levels the kernels are built for, which of them this
// CPU runs, and the kernel library the module calls (KernelLibrary.hpp).
// Part of the host module only.
//
// Levels, lowest first (CMakeLists.txt builds a library per level): on
// x86-64 "baseline" (x86-64-v2: SSE4.2), "avx2" (x86-64-v3: AVX2, FMA, F16C)
// and "avx512" (x86-64-v4); elsewhere "baseline" alone (the target's default
// flags); "native" alone in a build for one machine (SNN_IPU_NATIVE).
#pragma once

#include <string>
#include <vector>

#include "ops/host/KernelLibrary.hpp"
#include "ops/plan/ElementType.hpp"

namespace snn_ipu {

// Loads the kernels at import: the level SNN_IPU_ISA names when it is set
// (std::invalid_argument, with the reason, when that level is not built or
// this CPU lacks it), else the highest level this CPU runs
// (std::runtime_error where a kernel library is missing or unusable).
void initKernels();

// The entry points of the kernel library in use for `type`: the level's, or
// for a type its library is not built for (float64 above baseline), the
// highest level below it whose library is.
const KernelEntries &kernels(ElementType type);

// Switches to `level`, loading its library on first use, or with an empty
// `level` back to initKernels' choice (for tests and benchmarks; calls
// running on other threads finish at the level they started with).
// std::invalid_argument as above.
void selectIsa(const std::string &level);

struct IsaInfo {
  std::vector<std::string> built;    // lowest first
  std::vector<std::string> runnable; // the built levels this CPU runs
  std::string active;                // the level in use
  bool forced = false;               // by SNN_IPU_ISA or selectIsa
  std::string byType[kNumElementTypes]; // the level each element type runs at
};
IsaInfo isaInfo();

} // namespace snn_ipu
