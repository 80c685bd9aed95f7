#include <poplar/Type.hpp>

#include <poplar/exceptions.hpp>

#include "TypeInfo.hpp"

namespace poplar {
namespace executor {

namespace {

// Indexed by TypeId; names as Poplar prints them (poputil::templateVertex
// puts them into vertex names).
constexpr TypeInfo kTypes[] = {
    {"<invalid type>", 0, TypeKind::Unsigned},
    {"bool", 1, TypeKind::Bool},
    {"char", 1, TypeKind::Signed},
    {"unsigned char", 1, TypeKind::Unsigned},
    {"signed char", 1, TypeKind::Signed},
    {"short", 2, TypeKind::Signed},
    {"unsigned short", 2, TypeKind::Unsigned},
    {"int", 4, TypeKind::Signed},
    {"unsigned int", 4, TypeKind::Unsigned},
    {"long long", 8, TypeKind::Signed},
    {"unsigned long long", 8, TypeKind::Unsigned},
    {"half", 2, TypeKind::Float},
    {"float", 4, TypeKind::Float},
};

} // namespace

const TypeInfo &typeInfo(const Type &type) {
  if (type.id() == TypeId::Invalid)
    throw poplar_error("an invalid (default-constructed) poplar::Type was used");
  return kTypes[static_cast<unsigned>(type.id())];
}

} // namespace executor

std::string Type::toString() const { return executor::typeInfo(*this).name; }

std::ostream &operator<<(std::ostream &os, const Type &type) {
  return os << type.toString();
}

} // namespace poplar
