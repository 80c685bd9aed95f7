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
// Tile memory has no cache: nothing to prefetch.
template <typename T> inline void prefetchRun(const T *, unsigned) {}
constexpr unsigned kPrefetchSteps = 1;
// Most neurons a worker carries across all time steps at once: on the IPU a
// chunk's state stays in registers.
template <typename StateT> constexpr unsigned kMaxChunkNeurons = 2;
#else
inline float lifExp(float x) { return std::exp(x); }
inline double lifExp(double x) { return std::exp(x); }
inline float lifAbs(float x) { return std::fabs(x); }
inline double lifAbs(double x) { return std::fabs(x); }
// Asks the cache for `count` elements from `first` on, one request per
// 64-byte line. The vertices walk a chunk's rows one time step after
// another, 1 row stride apart: each row's run is a new stream that the
// hardware prefetchers would only pick up after its first misses.
template <typename T> inline void prefetchRun(const T *first, unsigned count) {
  constexpr unsigned kLine = 64 / sizeof(T);
  for (unsigned i = 0; i < count; i += kLine)
    __builtin_prefetch(first + i, 0, 3);
}
// How many steps ahead a row is prefetched. A step of a chunk can take less
// time than a DRAM access; measured on Zen 5, distances from 1 to 8 steps
// were all within noise, so this leaves lead for slower memory.
#ifndef SNN_IPU_PREFETCH_STEPS
#define SNN_IPU_PREFETCH_STEPS 3
#endif
constexpr unsigned kPrefetchSteps = SNN_IPU_PREFETCH_STEPS;
// On the host a chunk is a run of each row of up to 4 KiB of state: its
// state, parameters and the step's results stay in L1 across all steps, and
// the backward vertex's recomputed membranes in L2 (the plan narrows chunks
// for long T). On a Zen 5 core, 2.5-4 KiB runs were 5-15% faster than 1-2 KiB
// ones for [25, 128, 1000] and [100, 64, 4096] in fp32.
template <typename StateT>
constexpr unsigned kMaxChunkNeurons = 4096 / sizeof(StateT);
#endif

} // namespace snn_ipu
