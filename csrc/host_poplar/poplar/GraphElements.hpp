// Host implementation of Poplar's references to graph elements: ComputeSet,
// VertexRef (a vertex added with Graph::addVertex) and FieldRef (a field of
// a vertex, v["name"], or one edge of a 2-D field, v["name"][i]).
#pragma once

#include <cstddef>
#include <string>

#include <poplar/StringRef.hpp>

namespace poplar {

namespace executor {
struct GraphState;
} // namespace executor

class ComputeSet {
public:
  ComputeSet() = default;
  ComputeSet(unsigned id) : id_(id) {}
  unsigned getId() const { return id_; }

private:
  unsigned id_ = ~0u;
};

inline bool operator==(const ComputeSet &a, const ComputeSet &b) {
  return a.getId() == b.getId();
}
inline bool operator!=(const ComputeSet &a, const ComputeSet &b) {
  return !(a == b);
}

class FieldRef;

class VertexRef {
public:
  VertexRef() = default;
  // Host only: vertex `id` of `graph`.
  VertexRef(executor::GraphState *graph, unsigned id) : graph_(graph), id_(id) {}

  FieldRef operator[](StringRef fieldName) const;
  unsigned getId() const { return id_; }
  executor::GraphState *graph() const { return graph_; }

private:
  executor::GraphState *graph_ = nullptr;
  unsigned id_ = ~0u;
};

class FieldRef {
public:
  FieldRef() = default;
  FieldRef(VertexRef vertex, StringRef fieldName)
      : vertex(vertex), fieldName(fieldName) {}

  // Edge `index` of a 2-D field.
  FieldRef operator[](std::size_t i) const {
    FieldRef edge = *this;
    edge.index = i;
    edge.indexed = true;
    return edge;
  }
  bool isIndexed() const { return indexed; }
  std::size_t getIndex() const { return index; }

  VertexRef vertex;
  std::string fieldName; // the real FieldRef holds a field id instead
  std::size_t index = 0;
  bool indexed = false;
};

inline FieldRef VertexRef::operator[](StringRef fieldName) const {
  return FieldRef(*this, fieldName);
}

} // namespace poplar
