// Host implementation of the Poplar exceptions the graph API and the engine
// throw. Every one is a poplar_error (a std::runtime_error); which subclass a
// real Poplar throws for a given fault is not always documented, so these
// are chosen by the fault's kind and named in each throwing function.
#pragma once

#include <stdexcept>
#include <string>

namespace poplar {

struct poplar_error : std::runtime_error {
  std::string type;
  explicit poplar_error(const std::string &message)
      : std::runtime_error(message), type("poplar_error") {}

protected:
  poplar_error(const std::string &typeName, const std::string &message)
      : std::runtime_error(message), type(typeName) {}
};

#define SNN_IPU_POPLAR_ERROR(Name)                                             \
  struct Name : poplar_error {                                                 \
    explicit Name(const std::string &message) : poplar_error(#Name, message) {} \
  };
// A tensor connected where it cannot be (wrong type, wrong kind of field,
// another tile, not contiguous, misaligned, too short).
SNN_IPU_POPLAR_ERROR(graph_connection_error)
// A tile number out of range, or an element or vertex with no tile.
SNN_IPU_POPLAR_ERROR(invalid_tile_mapping)
// A tile whose data and vertex state exceed its memory.
SNN_IPU_POPLAR_ERROR(graph_memory_allocation_error)
// A program that cannot be compiled (conflicting writes, aliasing copies).
SNN_IPU_POPLAR_ERROR(graph_program_compilation_error)
// A codelet file with no vertices the host knows.
SNN_IPU_POPLAR_ERROR(graph_object_load_error)
SNN_IPU_POPLAR_ERROR(unknown_vertex_type)
SNN_IPU_POPLAR_ERROR(unknown_field_name)
// A tensor index or slice outside its shape.
SNN_IPU_POPLAR_ERROR(index_error)
// An engine used out of order (run before load), or a host transfer that
// does not match its tensor.
SNN_IPU_POPLAR_ERROR(runtime_error)
#undef SNN_IPU_POPLAR_ERROR

} // namespace poplar
