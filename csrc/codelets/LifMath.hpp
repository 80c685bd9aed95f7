// The few math functions the LIF codelets need, mapped to the IPU's
// intrinsics under popc and to the C++ library on the host.
#pragma once

#ifdef __IPU__
#include <ipu_vector_math>
#else
#include <cmath>
#endif

namespace snn_ipu {

#ifdef __IPU__
inline float lifExp(float x) { return ipu::exp(x); }
inline float lifAbs(float x) { return ipu::fabs(x); }
// Neurons whose state one worker keeps in registers across all time steps.
template <typename StateT> constexpr unsigned kChunkNeurons = 2;
#else
inline float lifExp(float x) { return std::exp(x); }
inline double lifExp(double x) { return std::exp(x); }
inline float lifAbs(float x) { return std::fabs(x); }
inline double lifAbs(double x) { return std::fabs(x); }
// Two 64-byte lines of state per chunk: the inner loop over a chunk is
// vectorised by the host compiler, and the chunks' state lives in registers.
template <typename StateT>
constexpr unsigned kChunkNeurons = 128 / sizeof(StateT);
#endif

} // namespace snn_ipu
