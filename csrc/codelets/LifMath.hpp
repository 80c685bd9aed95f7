// The few math functions the LIF codelets need, mapped to the IPU's
// intrinsics under popc and to the C++ library on the host.
#pragma once

#ifdef __IPU__
#include <ipu_vector_math>
#else
#include <cmath>
#endif

#include "LifTypes.hpp"
#include "Variant.hpp"

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

#ifdef __IPU__
inline float lifExp(float x) { return ipu::exp(x); }
inline float lifAbs(float x) { return ipu::fabs(x); }
// Most neurons a worker carries across all time steps at once: on the IPU a
// chunk's state stays in registers.
template <typename StateT> constexpr unsigned kMaxChunkNeurons = kIpuChunkNeurons;
#else
inline float lifExp(float x) { return std::exp(x); }
inline double lifExp(double x) { return std::exp(x); }
inline float lifAbs(float x) { return std::fabs(x); }
inline double lifAbs(double x) { return std::fabs(x); }
// On the host a chunk is a run of each row of up to 4 KiB of state
// (benchmarks/RESULTS.md, "Tuning constants"): its state, parameters and the
// step's results stay in L1 across all steps, and the backward vertex's
// recomputed membranes in L2 (the plan narrows chunks for long T).
template <typename StateT>
constexpr unsigned kMaxChunkNeurons = 4096 / sizeof(StateT);
#endif

SNN_IPU_VARIANT_END
} // namespace snn_ipu
