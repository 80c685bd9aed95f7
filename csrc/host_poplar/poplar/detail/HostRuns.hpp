// Host shim: how the codelets' row runs are read and written on the CPU.
//
// The codelets read a run of an input row as the state type through
// snn_ipu::runAsState and write a run of an output row through
// snn_ipu::storeRun (LifFields.hpp): plain loops, which is what popc
// compiles. For the shim's rows, argument-dependent lookup finds the more
// specialised overloads below instead:
//  * half rows are converted 8 elements at a time with F16C (GCC 12 converts
//    _Float16 one element at a time, which kept the whole loop scalar);
//  * an output the runner connected as streaming (larger than the last-level
//    cache, so evicted before anyone reads it) is written with non-temporal
//    stores, which skip the read-for-ownership of every line written: a
//    third of a kernel's memory traffic. The runner fences after every work
//    item.
// And touchRow, a no-op for popc (snn_ipu::touchRow), prefetches a line of a
// row here (poplar::touchRow, found by argument-dependent lookup).
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SNN_IPU_HOST_STREAMING 1
#endif

#include "../HalfFloat.hpp"

namespace poplar {
SNN_IPU_SHIM_BEGIN

namespace detail {

// ---------------------------------------------------------------- loads

inline void halfToFloat(const half *in, float *out, unsigned count) {
  unsigned v = 0;
#ifdef __F16C__
  for (; v + 8 <= count; v += 8)
    _mm256_storeu_ps(out + v, _mm256_cvtph_ps(_mm_loadu_si128(
                                  reinterpret_cast<const __m128i *>(in + v))));
#endif
  for (; v < count; ++v)
    out[v] = float(in[v]);
}

// --------------------------------------------------------------- stores

template <typename T, typename S>
inline void plainRun(T *out, const S *values, unsigned count) {
  for (unsigned v = 0; v < count; ++v)
    out[v] = T(values[v]);
}

inline void plainRun(half *out, const float *values, unsigned count) {
  unsigned v = 0;
#ifdef __F16C__
  for (; v + 8 <= count; v += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i *>(out + v),
                     _mm256_cvtps_ph(_mm256_loadu_ps(values + v),
                                     _MM_FROUND_TO_NEAREST_INT));
#endif
  for (; v < count; ++v)
    out[v] = half(values[v]);
}

#ifdef SNN_IPU_HOST_STREAMING
// Non-temporal stores of 4 converted values at `out` (16-byte aligned): one
// 16-byte store of 4 floats or 8 halves, two of 4 doubles.
inline void streamQuad(float *out, const float *values) {
  _mm_stream_ps(out, _mm_loadu_ps(values));
}
inline void streamQuad(double *out, const double *values) {
  _mm_stream_pd(out, _mm_loadu_pd(values));
  _mm_stream_pd(out + 2, _mm_loadu_pd(values + 2));
}
inline void streamQuad(half *out, const float *values) {
#ifdef __F16C__
  const __m128i converted =
      _mm256_cvtps_ph(_mm256_loadu_ps(values), _MM_FROUND_TO_NEAREST_INT);
#else
  alignas(16) half buffer[8];
  for (unsigned v = 0; v < 8; ++v)
    buffer[v] = half(values[v]);
  const __m128i converted =
      _mm_load_si128(reinterpret_cast<const __m128i *>(buffer));
#endif
  _mm_stream_si128(reinterpret_cast<__m128i *>(out), converted);
}

template <typename T, typename S>
inline void streamRun(T *out, const S *values, unsigned count) {
  constexpr unsigned kStep = sizeof(T) == 2 ? 8 : 4; // elements per call
  unsigned v = 0;
  while (v < count && reinterpret_cast<std::uintptr_t>(out + v) % 16 != 0) {
    out[v] = T(values[v]);
    ++v;
  }
  for (; v + kStep <= count; v += kStep)
    streamQuad(out + v, values + v);
  plainRun(out + v, values + v, count - v);
}
#endif

} // namespace detail

// Input rows of the state type: the row itself, with the whole run checked
// in the checked build (the generic version's &row[first] checks only its
// first element).
template <typename S, VectorLayout L, unsigned A, bool I>
inline const S *runAsState(const Input<Vector<S, L, A, I>> &row,
                           std::size_t first, unsigned count, S *) {
  if (count > 0)
    detail::checkIndex("Input (runAsState)", first + count - 1,
                       host::FieldAccess::size(row), host::FieldAccess::name(row));
  return host::FieldAccess::data(row) + first;
}

// Half input rows as float: converted into `buffer`, 8 at a time.
template <typename S, VectorLayout L, unsigned A, bool I>
inline const S *runAsState(const Input<Vector<half, L, A, I>> &row,
                           std::size_t first, unsigned count, S *buffer) {
  static_assert(sizeof(S) == sizeof(float), "half rows carry float state");
  if (count == 0)
    return buffer;
  detail::checkIndex("Input (runAsState)", first + count - 1,
                     host::FieldAccess::size(row), host::FieldAccess::name(row));
  detail::halfToFloat(host::FieldAccess::data(row) + first, buffer, count);
  return buffer;
}

template <typename FPType, typename T, VectorLayout L, unsigned A, bool I,
          typename S>
inline void storeRun(const Output<Vector<T, L, A, I>> &row, std::size_t first,
                     const S *values, unsigned count) {
  static_assert(sizeof(FPType) == sizeof(T), "storeRun: element type mismatch");
  if (count == 0)
    return;
  detail::checkIndex("Output (storeRun)", first + count - 1,
                     host::FieldAccess::size(row), host::FieldAccess::name(row));
  T *out = host::FieldAccess::data(row) + first;
#ifdef SNN_IPU_HOST_STREAMING
  if (host::FieldAccess::streaming(row)) {
    detail::streamRun(out, values, count);
    return;
  }
#endif
  detail::plainRun(out, values, count);
}

// Prefetches the line of row[index] into the cache (touchRow in
// LifFields.hpp): for reading from an input row, for writing into an output
// row unless that is streamed with non-temporal stores, which bypass the
// cache. The codelets pass indices inside the row.
// Always inlined: GCC 12's interprocedural analysis takes a function that
// only prefetches for one without side effects and deletes the calls.
template <typename T, VectorLayout L, unsigned A, bool I>
[[gnu::always_inline]] inline void touchRow(const Input<Vector<T, L, A, I>> &row, std::size_t index) {
  __builtin_prefetch(host::FieldAccess::data(row) + index, 0, 3);
}
template <typename T, VectorLayout L, unsigned A, bool I>
[[gnu::always_inline]] inline void touchRow(const Output<Vector<T, L, A, I>> &row, std::size_t index) {
  if (!host::FieldAccess::streaming(row))
    __builtin_prefetch(host::FieldAccess::data(row) + index, 1, 3);
}

// Makes this thread's non-temporal stores visible before it reports its work
// done (the runner calls it after every work item).
inline void storeFence() {
#ifdef SNN_IPU_HOST_STREAMING
  _mm_sfence();
#endif
}

SNN_IPU_SHIM_END
} // namespace poplar
