#include <poplar/VertexIntrospector.hpp>

#include <poplar/exceptions.hpp>

#include "Describe.hpp"
#include "GraphState.hpp"

namespace poplar {

using namespace executor;

std::size_t FieldData::size() const {
  const FieldInfo &info = vertex_->type->fields[field_];
  const FieldState &state = vertex_->fields[field_];
  if (info.kind == FieldKind::Scalar)
    return 1;
  if (info.kind == FieldKind::EdgeList)
    return state.edges.size();
  return state.edges.empty() ? 0 : state.edges[0].numElements();
}

std::size_t FieldData::getSizeAtIndex(std::size_t i) const {
  const FieldState &state = vertex_->fields[field_];
  if (i >= state.edges.size() || !state.edges[i].valid())
    throw index_error("getSizeAtIndex: edge " + std::to_string(i) + " of " +
                      describeField(vertex_->type->fields[field_]) +
                      " is not connected");
  return state.edges[i].numElements();
}

ScalarValue FieldData::initialValue() const {
  const FieldState &state = vertex_->fields[field_];
  if (!state.hasValue)
    throw poplar_error("getInitialValue: " +
                       describeField(vertex_->type->fields[field_]) +
                       " has no initial value");
  return state.value;
}

FieldData VertexIntrospector::getFieldInfo(const std::string &name) const {
  const std::size_t index = vertex_->type->fieldIndex(name);
  if (index == vertex_->type->fields.size())
    throw unknown_field_name("getFieldInfo: vertex '" + vertex_->type->name +
                             "' has no field '" + name + "'");
  return FieldData(*vertex_, index);
}

ComputeSet VertexIntrospector::getComputeSet() const {
  return ComputeSet(vertex_->computeSet);
}

} // namespace poplar
