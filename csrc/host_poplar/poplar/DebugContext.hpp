// Host implementation of Poplar's debug names: a DebugContext or a
// DebugNameAndId names what a graph function creates, as a path
// ("layout/spikes"). The host keeps only the path, which its error messages
// and reports print; there is no debug-information database.
#pragma once

#include <string>

#include <poplar/StringRef.hpp>

namespace poplar {

namespace executor {
// "parent/name", or whichever of the two is not empty.
std::string joinDebugPath(const std::string &parent, StringRef name);
} // namespace executor

class DebugContext;

class DebugNameAndId {
public:
  DebugNameAndId(StringRef name = "") : path_(name) {}
  DebugNameAndId(const char *name) : path_(StringRef(name)) {}
  DebugNameAndId(const std::string &name) : path_(name) {}
  DebugNameAndId(const DebugNameAndId &other, StringRef name = "")
      : path_(executor::joinDebugPath(other.path_, name)) {}
  DebugNameAndId(const DebugContext &context, StringRef name = "");

  std::string getPathName() const { return path_; }

private:
  std::string path_;
};

class DebugContext {
public:
  DebugContext() = default;
  DebugContext(const char *name) : path_(StringRef(name)) {}
  DebugContext(StringRef name) : path_(name) {}
  DebugContext(const std::string &name) : path_(name) {}
  DebugContext(const DebugNameAndId &dnai, StringRef name = "")
      : path_(executor::joinDebugPath(dnai.getPathName(), name)) {}
  DebugContext(const DebugContext &parent, StringRef name)
      : path_(executor::joinDebugPath(parent.path_, name)) {}
  DebugContext(const DebugContext &) = default;
  DebugContext(DebugContext &&) = default;
  DebugContext &operator=(const DebugContext &) = default;
  DebugContext &operator=(DebugContext &&) = default;

  std::string getPathName() const { return path_; }

private:
  std::string path_;
};

inline DebugNameAndId::DebugNameAndId(const DebugContext &context, StringRef name)
    : path_(executor::joinDebugPath(context.getPathName(), name)) {}

} // namespace poplar
