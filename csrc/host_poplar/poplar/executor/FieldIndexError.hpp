// Host only (not Poplar): what the bounds-checked vertex shim throws, in the
// graph executor's variant (SNN_IPU_SHIM_THROWS), for an access outside a
// field's edge: the field's name, and the row of a 2-D field's edge, so that
// the executor can name the tensor the edge is connected to.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace poplar {
namespace executor {

struct FieldIndexError : std::out_of_range {
  static constexpr std::size_t kNoRow = SIZE_MAX;
  FieldIndexError(const std::string &message, const char *field, std::size_t row)
      : std::out_of_range(message), field(field), row(row) {}
  const char *field; // null if the field was not named
  std::size_t row;   // kNoRow for a 1-D field, or a 2-D field's own index
};

} // namespace executor
} // namespace poplar
