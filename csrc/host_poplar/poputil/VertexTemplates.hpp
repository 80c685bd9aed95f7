// Host implementation of poputil::templateVertex: the name of a vertex class
// template instance, as Graph::addVertex takes it:
// templateVertex("ns::V", poplar::FLOAT, 1u, true) is "ns::V<float,1,true>"
// (types by their names, bools as true/false, numbers in decimal, strings as
// they are). VertexTemplateToString<T> may be specialised for other types.
#pragma once

#include <string>
#include <type_traits>

#include <poplar/StringRef.hpp>
#include <poplar/Type.hpp>

namespace poputil {

template <typename T> struct VertexTemplateToString {
  static std::string to_string(const T &x) { return std::to_string(x); }
};

template <> struct VertexTemplateToString<poplar::StringRef> {
  static std::string to_string(const poplar::StringRef &s) { return s; }
};

namespace detail {

inline std::string templateArgument(const poplar::Type &type) {
  return type.toString();
}
inline std::string templateArgument(bool b) { return b ? "true" : "false"; }
inline std::string templateArgument(const std::string &s) { return s; }
inline std::string templateArgument(const char *s) { return s; }
template <typename T> std::string templateArgument(const T &x) {
  return VertexTemplateToString<T>::to_string(x);
}

} // namespace detail

template <typename... Args>
std::string templateVertex(const std::string &name, Args &&...args) {
  if constexpr (sizeof...(Args) == 0) {
    return name;
  } else {
    std::string result = name;
    char separator = '<';
    ((result += separator, result += detail::templateArgument(args),
      separator = ','),
     ...);
    return result + '>';
  }
}

} // namespace poputil
