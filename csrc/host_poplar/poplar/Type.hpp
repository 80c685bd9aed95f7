// Host implementation of Poplar's Type: the element types of tensors and
// vertex fields (poplar::FLOAT, poplar::HALF, poplar::UNSIGNED_INT, ...), with
// the IPU's sizes (Target::getTypeSize). Only the types whose size is the
// same on the host and the IPU are provided: no LONG or UNSIGNED_LONG, which
// are 4 bytes on the IPU and 8 here.
#pragma once

#include <ostream>
#include <string>

#include <poplar/HalfFloat.hpp>

namespace poplar {

namespace executor {
// Host only: which type a Type is (Type.cpp holds each one's name and size).
enum class TypeId : unsigned char {
  Invalid,
  Bool,
  Char,
  UnsignedChar,
  SignedChar,
  Short,
  UnsignedShort,
  Int,
  UnsignedInt,
  LongLong,
  UnsignedLongLong,
  Half,
  Float,
};
} // namespace executor

class Type {
public:
  constexpr Type() = default;
  // Host only: the type `id` (use the constants below).
  constexpr explicit Type(executor::TypeId id) : id_(id) {}

  std::string toString() const;
  constexpr executor::TypeId id() const { return id_; }

  constexpr bool operator==(const Type &other) const { return id_ == other.id_; }
  constexpr bool operator!=(const Type &other) const { return id_ != other.id_; }
  constexpr bool operator<(const Type &other) const { return id_ < other.id_; }

private:
  executor::TypeId id_ = executor::TypeId::Invalid;
};

std::ostream &operator<<(std::ostream &os, const Type &type);

inline constexpr Type BOOL{executor::TypeId::Bool};
inline constexpr Type CHAR{executor::TypeId::Char};
inline constexpr Type UNSIGNED_CHAR{executor::TypeId::UnsignedChar};
inline constexpr Type SIGNED_CHAR{executor::TypeId::SignedChar};
inline constexpr Type SHORT{executor::TypeId::Short};
inline constexpr Type UNSIGNED_SHORT{executor::TypeId::UnsignedShort};
inline constexpr Type INT{executor::TypeId::Int};
inline constexpr Type UNSIGNED_INT{executor::TypeId::UnsignedInt};
inline constexpr Type LONGLONG{executor::TypeId::LongLong};
inline constexpr Type UNSIGNED_LONGLONG{executor::TypeId::UnsignedLongLong};
inline constexpr Type HALF{executor::TypeId::Half};
inline constexpr Type FLOAT{executor::TypeId::Float};

// The device type of a host type, as `equivalent_device_type<T>().value`.
template <class T> struct equivalent_device_type {};
#define SNN_IPU_DEVICE_TYPE(CppType, DeviceType)                               \
  template <> struct equivalent_device_type<CppType> {                         \
    const Type &value = DeviceType;                                            \
  };
SNN_IPU_DEVICE_TYPE(bool, BOOL)
SNN_IPU_DEVICE_TYPE(char, CHAR)
SNN_IPU_DEVICE_TYPE(unsigned char, UNSIGNED_CHAR)
SNN_IPU_DEVICE_TYPE(signed char, SIGNED_CHAR)
SNN_IPU_DEVICE_TYPE(short, SHORT)
SNN_IPU_DEVICE_TYPE(unsigned short, UNSIGNED_SHORT)
SNN_IPU_DEVICE_TYPE(int, INT)
SNN_IPU_DEVICE_TYPE(unsigned, UNSIGNED_INT)
SNN_IPU_DEVICE_TYPE(long long, LONGLONG)
SNN_IPU_DEVICE_TYPE(unsigned long long, UNSIGNED_LONGLONG)
SNN_IPU_DEVICE_TYPE(half, HALF)
SNN_IPU_DEVICE_TYPE(float, FLOAT)
#undef SNN_IPU_DEVICE_TYPE

} // namespace poplar
