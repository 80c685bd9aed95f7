// Host implementation of poputil/exceptions.hpp: the exception PopLibs
// functions throw, which the project's graph construction throws too.
#pragma once

#include <stdexcept>
#include <string>

namespace poputil {

struct poplibs_error : std::runtime_error {
  std::string type;
  explicit poplibs_error(const std::string &s);
  explicit poplibs_error(const char *s);
};

} // namespace poputil
