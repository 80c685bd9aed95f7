// The few math functions the LIF codelets need, mapped to the IPU's
// intrinsics under popc and to the C++ library on the host.
#pragma once

#ifdef __IPU__
#include <ipu_vector_math>
#else
#include <cmath>
#endif

#include "Variant.hpp"

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

#ifdef __IPU__
inline float lifExp(float x) { return ipu::exp(x); }
inline float lifAbs(float x) { return ipu::fabs(x); }
#else
inline float lifExp(float x) { return std::exp(x); }
inline double lifExp(double x) { return std::exp(x); }
inline float lifAbs(float x) { return std::fabs(x); }
inline double lifAbs(double x) { return std::fabs(x); }
#endif

SNN_IPU_VARIANT_END
} // namespace snn_ipu
