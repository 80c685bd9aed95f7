// Host implementation of Poplar's VertexIntrospector: what a cycle estimator
// (PerfEstimateFunc.hpp) may ask of a vertex: each field's number of edges or
// elements, and a scalar field's value.
#pragma once

#include <cstddef>
#include <string>

#include <poplar/GraphElements.hpp>
#include <poplar/Target.hpp>
#include <poplar/Type.hpp>
#include <poplar/executor/ScalarValue.hpp>

namespace poplar {

namespace executor {
struct VertexRecord;
struct FieldInfo;
} // namespace executor

class FieldData {
public:
  // Host only: field `field` of `vertex`.
  FieldData(const executor::VertexRecord &vertex, std::size_t field)
      : vertex_(&vertex), field_(field) {}

  // Edges of a 2-D field; elements of a 1-D field; 1 for a scalar.
  std::size_t size() const;
  // Elements of edge i of a 2-D field.
  std::size_t getSizeAtIndex(std::size_t i) const;
  // A scalar field's value, set with Graph::setInitialValue.
  template <typename T> T getInitialValue(const Target &) const {
    T value{};
    executor::storeScalar(initialValue(), equivalent_device_type<T>().value,
                          &value, "getInitialValue");
    return value;
  }

private:
  executor::ScalarValue initialValue() const;
  const executor::VertexRecord *vertex_;
  std::size_t field_;
};

class VertexIntrospector {
public:
  // Host only: the introspector of `vertex`.
  explicit VertexIntrospector(const executor::VertexRecord &vertex)
      : vertex_(&vertex) {}

  FieldData getFieldInfo(const std::string &name) const;
  ComputeSet getComputeSet() const;

private:
  const executor::VertexRecord *vertex_;
};

} // namespace poplar
