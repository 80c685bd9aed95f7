// Host only (not Poplar): a number passed to Graph::addConstant or
// Graph::setInitialValue, kept as its kind (signed, unsigned, floating) until
// it is stored as a device type, so that an integer field can refuse a value
// it cannot hold.
#pragma once

#include <string>
#include <type_traits>

#include <poplar/Type.hpp>

namespace poplar {
namespace executor {

struct ScalarValue {
  enum class Kind { Signed, Unsigned, Float };
  Kind kind = Kind::Unsigned;
  long long i = 0;
  unsigned long long u = 0;
  double f = 0;

  template <typename T> static ScalarValue of(T value) {
    ScalarValue v;
    if constexpr (std::is_same_v<T, bool> || std::is_unsigned_v<T>) {
      v.kind = Kind::Unsigned;
      v.u = static_cast<unsigned long long>(value);
    } else if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) {
      v.kind = Kind::Signed;
      v.i = static_cast<long long>(value);
    } else {
      static_assert(std::is_floating_point_v<T> || std::is_same_v<T, half>,
                    "a scalar value is a number");
      v.kind = Kind::Float;
      v.f = static_cast<double>(value);
    }
    return v;
  }

  std::string toString() const;
};

// Stores `value` at `out` as `type` (floating types round; an integer type
// must hold the value exactly). Throws poplar_error naming `what` otherwise.
void storeScalar(const ScalarValue &value, const Type &type, void *out,
                 const std::string &what);

} // namespace executor
} // namespace poplar
