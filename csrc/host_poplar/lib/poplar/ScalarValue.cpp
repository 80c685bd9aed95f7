#include <poplar/executor/ScalarValue.hpp>

#include <cmath>
#include <cstring>

#include <poplar/exceptions.hpp>

#include "TypeInfo.hpp"

namespace poplar {
namespace executor {

namespace {

template <typename T> void put(T value, void *out) {
  std::memcpy(out, &value, sizeof value);
}

// An integer `x` in range, as the signed or unsigned type of its size.
template <typename S, typename U>
void putInteger(long double x, bool isSigned, void *out) {
  if (isSigned)
    put(static_cast<S>(static_cast<long long>(x)), out);
  else
    put(static_cast<U>(static_cast<unsigned long long>(x)), out);
}

// The value exactly, as a long double (which holds every 64-bit integer).
long double exactValue(const ScalarValue &v) {
  switch (v.kind) {
  case ScalarValue::Kind::Signed: return static_cast<long double>(v.i);
  case ScalarValue::Kind::Unsigned: return static_cast<long double>(v.u);
  default: return static_cast<long double>(v.f);
  }
}

} // namespace

std::string ScalarValue::toString() const {
  switch (kind) {
  case Kind::Signed: return std::to_string(i);
  case Kind::Unsigned: return std::to_string(u);
  default: return std::to_string(f);
  }
}

void storeScalar(const ScalarValue &value, const Type &type, void *out,
                 const std::string &what) {
  const TypeInfo &info = typeInfo(type);
  const long double x = exactValue(value);
  if (type == FLOAT)
    return put(static_cast<float>(x), out);
  if (type == HALF)
    return put(static_cast<half>(static_cast<float>(x)), out);
  const bool isSigned = info.kind == TypeKind::Signed;
  const int bits = info.kind == TypeKind::Bool ? 1 : int(info.size * 8);
  const long double max = std::ldexp(1.0L, isSigned ? bits - 1 : bits) - 1;
  const long double min = isSigned ? -max - 1 : 0;
  if (!std::isfinite(x) || std::trunc(x) != x || x < min || x > max)
    throw poplar_error(what + ": the value " + value.toString() +
                       " is not a " + info.name);
  switch (info.size) {
  case 1: return putInteger<signed char, unsigned char>(x, isSigned, out);
  case 2: return putInteger<short, unsigned short>(x, isSigned, out);
  case 4: return putInteger<int, unsigned>(x, isSigned, out);
  default: return putInteger<long long, unsigned long long>(x, isSigned, out);
  }
}

} // namespace executor
} // namespace poplar
