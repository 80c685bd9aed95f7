#include <poplar/executor/Codelets.hpp>

#include <deque>
#include <map>
#include <mutex>

namespace poplar {
namespace executor {

namespace {

// Libraries by name. A deque keeps each VertexType where it is as more are
// added, so the pointers graphs hold stay valid.
struct Registry {
  std::mutex mutex;
  std::map<std::string, std::deque<VertexType>> libraries;
};

Registry &registry() {
  static Registry instance;
  return instance;
}

std::string fileName(const std::string &path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

std::size_t VertexType::fieldIndex(const std::string &fieldName) const {
  std::size_t i = 0;
  while (i < fields.size() && fields[i].name != fieldName)
    ++i;
  return i;
}

void registerCodelets(const std::string &library, std::vector<VertexType> vertices) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::deque<VertexType> &types = r.libraries[library];
  for (VertexType &vertex : vertices) {
    bool known = false;
    for (const VertexType &type : types)
      known = known || type.name == vertex.name;
    if (!known)
      types.push_back(std::move(vertex));
  }
}

std::vector<const VertexType *> findCodelets(StringRef path) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto found = r.libraries.find(path);
  if (found == r.libraries.end())
    found = r.libraries.find(fileName(path));
  std::vector<const VertexType *> types;
  if (found != r.libraries.end())
    for (const VertexType &type : found->second)
      types.push_back(&type);
  return types;
}

} // namespace executor
} // namespace poplar
