// Graph: compute sets, vertices and their fields, codelets, cycle
// estimators. Checks that need only the call's arguments (the field exists,
// is of the right kind and element type, is connected once) are made here:
// the reference does not say when Poplar makes them, and at the call the
// error points at the line that made it. Connecting a field twice, and one
// tensor to a 2-D field, are refused: what Poplar does is not documented,
// and neither can be meant.
#include <poplar/Graph.hpp>

#include <poplar/exceptions.hpp>
#include <poplar/executor/Codelets.hpp>

#include "Describe.hpp"
#include "GraphState.hpp"
#include "TypeInfo.hpp"

namespace poplar {

using namespace executor;

namespace {

struct FieldAt {
  VertexRecord &vertex;
  const FieldInfo &info;
  FieldState &state;
};

FieldAt fieldAt(GraphState &graph, const FieldRef &ref) {
  const VertexRef v = ref.vertex;
  if (v.graph() != &graph || v.getId() >= graph.vertices.size())
    throw poplar_error("field '" + ref.fieldName +
                       "': the vertex is not one of this graph's");
  VertexRecord &vertex = graph.vertices[v.getId()];
  const std::size_t index = vertex.type->fieldIndex(ref.fieldName);
  if (index == vertex.type->fields.size()) {
    std::string fields;
    for (const FieldInfo &f : vertex.type->fields)
      fields += (fields.empty() ? "" : ", ") + f.name;
    throw unknown_field_name(describeVertex(graph, v.getId()) + " has no field '" +
                             ref.fieldName + "' (its fields: " + fields + ")");
  }
  return {vertex, vertex.type->fields[index], vertex.fields[index]};
}

std::string where(const GraphState &graph, const FieldAt &f, const FieldRef &ref) {
  return describeVertex(graph, f.vertex.id) + " " +
         describeField(f.info, ref.indexed ? ref.index : ~std::size_t(0));
}

void checkEdgeType(const GraphState &graph, const FieldAt &f, const FieldRef &ref,
                   const Tensor &tensor) {
  if (tensor.elementType() != f.info.type)
    throw graph_connection_error(where(graph, f, ref) + " holds " +
                                 f.info.type.toString() + " but " +
                                 describeTensor(graph, tensor) + " is " +
                                 tensor.elementType().toString());
}

} // namespace

ComputeSet Graph::addComputeSet(const DebugContext &debugContext) {
  const unsigned id = static_cast<unsigned>(state_->computeSets.size());
  std::string name = debugContext.getPathName();
  state_->computeSets.push_back(
      ComputeSetRecord{name.empty() ? "computeSet" + std::to_string(id) : name, {}});
  return ComputeSet(id);
}

VertexRef Graph::addVertex(ComputeSet cs, StringRef vertexType) {
  if (cs.getId() >= state_->computeSets.size())
    throw poplar_error("addVertex: compute set " + std::to_string(cs.getId()) +
                       " is not one of this graph's");
  const auto found = state_->codelets.find(vertexType);
  if (found == state_->codelets.end())
    throw unknown_vertex_type("addVertex: the vertex type '" + std::string(vertexType) +
                              "' is not in the graph's codelets (addCodelets adds "
                              "a library of them)");
  VertexRecord vertex;
  vertex.id = static_cast<unsigned>(state_->vertices.size());
  vertex.type = found->second;
  vertex.computeSet = cs.getId();
  vertex.fields.resize(vertex.type->fields.size());
  state_->vertices.push_back(std::move(vertex));
  state_->computeSets[cs.getId()].vertices.push_back(state_->vertices.back().id);
  return VertexRef(state_.get(), state_->vertices.back().id);
}

void Graph::connect(FieldRef field, const Tensor &tensor) {
  FieldAt f = fieldAt(*state_, field);
  const std::string what = where(*state_, f, field);
  if (f.info.kind == FieldKind::Scalar)
    throw graph_connection_error(what + " is not an edge (setInitialValue sets it)");
  checkEdgeType(*state_, f, field, tensor);
  if (f.info.kind == FieldKind::Edge) {
    if (field.indexed)
      throw graph_connection_error(what + ": a 1-D field has no edges to index");
    if (f.state.connected)
      throw graph_connection_error(what + " is already connected");
    f.state.edges = {tensor.flatten()};
    f.state.connected = true;
    return;
  }
  if (!field.indexed)
    throw graph_connection_error(what + " is a vector of edges: connect a vector "
                                        "of tensors, or each edge field[i]");
  if (f.state.connected && field.index >= f.state.edges.size())
    throw index_error(what + ": the field has " +
                      std::to_string(f.state.edges.size()) + " edges");
  if (field.index >= f.state.edges.size())
    f.state.edges.resize(field.index + 1);
  if (f.state.edges[field.index].valid())
    throw graph_connection_error(what + " is already connected");
  f.state.edges[field.index] = tensor.flatten();
}

void Graph::connect(FieldRef field, ArrayRef<Tensor> tensors) {
  FieldAt f = fieldAt(*state_, field);
  const std::string what = where(*state_, f, field);
  if (f.info.kind != FieldKind::EdgeList || field.indexed)
    throw graph_connection_error(what + " takes one tensor, not a vector of them");
  if (f.state.connected)
    throw graph_connection_error(what + " is already connected");
  std::vector<Tensor> edges;
  for (const Tensor &tensor : tensors) {
    checkEdgeType(*state_, f, field, tensor);
    edges.push_back(tensor.flatten());
  }
  f.state.edges = std::move(edges);
  f.state.connected = true;
}

void Graph::setFieldSize(FieldRef field, std::size_t size) {
  FieldAt f = fieldAt(*state_, field);
  if (f.info.kind != FieldKind::EdgeList || field.indexed)
    throw graph_connection_error(where(*state_, f, field) +
                                 " is not a vector of edges");
  if (f.state.edges.size() > size)
    throw graph_connection_error(where(*state_, f, field) + " already has " +
                                 std::to_string(f.state.edges.size()) + " edges");
  f.state.edges.resize(size);
  f.state.connected = true;
}

std::size_t Graph::getFieldSize(FieldRef field) const {
  FieldAt f = fieldAt(*state_, field);
  if (f.info.kind == FieldKind::EdgeList && !field.indexed)
    return f.state.edges.size();
  const std::size_t edge = field.indexed ? field.index : 0;
  if (f.info.kind == FieldKind::Scalar || edge >= f.state.edges.size() ||
      !f.state.edges[edge].valid())
    throw graph_connection_error(where(*state_, f, field) + " has no size");
  return f.state.edges[edge].numElements();
}

void Graph::setInitialScalar(FieldRef field, const ScalarValue &value) {
  FieldAt f = fieldAt(*state_, field);
  const std::string what = where(*state_, f, field);
  if (f.info.kind != FieldKind::Scalar || field.indexed)
    throw graph_connection_error(what + " is an edge (connect a tensor to it)");
  unsigned char check[8];
  storeScalar(value, f.info.type, check, what); // refuses a value it cannot hold
  f.state.value = value;
  f.state.hasValue = true;
}

unsigned Graph::getNumVertices() const {
  return static_cast<unsigned>(state_->vertices.size());
}

bool Graph::addCodelets(StringRef src, CodeletFileType, StringRef, StringRef) {
  const std::vector<const VertexType *> found = findCodelets(src);
  if (found.empty())
    throw graph_object_load_error(
        "addCodelets: no codelets are registered as '" + std::string(src) +
        "' (the host has its codelets compiled in: poplar::executor::"
        "registerCodelets names a library)");
  for (const VertexType *type : found)
    state_->codelets.emplace(type->name, type);
  return true;
}

bool Graph::hasCodelet(StringRef codeletName) const {
  return state_->codelets.count(codeletName) != 0;
}

void Graph::registerPerfEstimator(StringRef vertexTypeName, PerfEstimateFunc f) {
  state_->estimators[vertexTypeName] = std::move(f);
}

} // namespace poplar
