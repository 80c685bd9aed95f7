#include <poplar/DebugContext.hpp>

namespace poplar {
namespace executor {

std::string joinDebugPath(const std::string &parent, StringRef name) {
  if (parent.empty())
    return name;
  if (name.empty())
    return parent;
  return parent + "/" + name;
}

} // namespace executor
} // namespace poplar
