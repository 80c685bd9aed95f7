// The host's table of element types: name, size on the IPU, and kind.
#pragma once

#include <poplar/Type.hpp>

namespace poplar {
namespace executor {

enum class TypeKind { Bool, Signed, Unsigned, Float };

struct TypeInfo {
  const char *name;
  unsigned size;
  TypeKind kind;
};

// Throws poplar_error for a default-constructed Type.
const TypeInfo &typeInfo(const Type &type);
inline unsigned typeSize(const Type &type) { return typeInfo(type).size; }

} // namespace executor
} // namespace poplar
