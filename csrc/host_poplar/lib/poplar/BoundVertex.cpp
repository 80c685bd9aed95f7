#include "BoundVertex.hpp"

#include <poplar/exceptions.hpp>

#include "Describe.hpp"
#include "TypeInfo.hpp"

namespace poplar {
namespace executor {

namespace {

struct EdgeContext {
  const GraphState &graph;
  const MemoryLayout &layout;
  const VertexRecord &vertex;
  const FieldInfo &field;
  const void *object; // the codelet object, for the declared sizes

  std::string where(std::size_t edge) const {
    return describeVertex(graph, vertex.id) + " " +
           describeField(field, field.kind == FieldKind::EdgeList ? edge
                                                                  : ~std::size_t(0));
  }
};

[[noreturn]] void refuse(const EdgeContext &c, std::size_t edge,
                         const std::string &what) {
  throw graph_connection_error(c.where(edge) + " " + what);
}

BoundEdge bindEdge(const EdgeContext &c, std::size_t edge, const Tensor &tensor) {
  const std::size_t n = tensor.numElements();
  // Built only for a message: an engine binds every edge of the graph.
  const auto connected = [&] { return "is connected to " + describeEdge(c.graph, tensor); };
  if (c.field.minElements && n < c.field.minElements(c.object))
    refuse(c, edge, connected() + ", of " + std::to_string(n) +
                        " elements; the vertex reads " +
                        std::to_string(c.field.minElements(c.object)));
  if (n == 0)
    return BoundEdge{};
  const TensorView &view = tensor.view();
  if (view.runs.size() != 1 || !view.runs[0].consecutive())
    refuse(c, edge, connected() +
                        ", whose elements are not consecutive elements of one "
                        "variable (an edge is one region of a tile's memory: "
                        "copy them into one variable first)");
  const unsigned var = view.runs[0].variable;
  const std::size_t begin = view.runs[0].start, end = begin + n;
  // The first piece of the range on another tile than the vertex's.
  c.graph.variables[var].mapping.forEach(
      begin, end, [&](std::size_t b, std::size_t e, unsigned tile) {
        if (tile == c.vertex.tile)
          return;
        const std::string which =
            b == begin && e == end
                ? ", which is on tile "
                : ", whose elements [" + std::to_string(b) + ", " +
                      std::to_string(e) + ") are on tile ";
        refuse(c, edge, connected() + which + std::to_string(tile) +
                            ", not the vertex's tile " +
                            std::to_string(c.vertex.tile));
      });
  // Regions are the mapping's pieces, so a range on one tile is in one
  // region; checked still, as the offsets below rely on it.
  const Region &region = c.layout.regionOf(var, begin);
  if (region.end < end)
    refuse(c, edge, connected() + ", which lies in more than one region of tile " +
                        std::to_string(region.tile) +
                        "'s memory (not one contiguous block)");
  const std::size_t offset = c.layout.byteOffset(var, begin);
  if (offset % c.field.alignment != 0)
    refuse(c, edge, "(" + c.field.layout + ", aligned to " +
                        std::to_string(c.field.alignment) + " bytes) " + connected() +
                        ", at byte " + std::to_string(offset - region.offset) +
                        " of its region (byte " + std::to_string(offset) +
                        " of tile " + std::to_string(region.tile) +
                        "'s memory): not " + std::to_string(c.field.alignment) +
                        "-byte aligned");
  if (c.field.direction != Direction::Input && c.graph.variables[var].constant)
    refuse(c, edge, "writes " + describeEdge(c.graph, tensor) + ", a constant");
  return BoundEdge{var, begin, n, region.tile, offset};
}

std::vector<BoundEdge> bindField(const EdgeContext &c, const FieldState &state) {
  if (!state.connected)
    refuse(c, ~std::size_t(0), "is not connected");
  if (c.field.kind == FieldKind::EdgeList && c.field.edgeCount &&
      state.edges.size() != c.field.edgeCount(c.object))
    refuse(c, ~std::size_t(0),
           "has " + std::to_string(state.edges.size()) + " edges; the vertex reads " +
               std::to_string(c.field.edgeCount(c.object)));
  std::vector<BoundEdge> edges;
  for (std::size_t e = 0; e < state.edges.size(); ++e) {
    if (!state.edges[e].valid())
      refuse(c, e, "is not connected");
    edges.push_back(bindEdge(c, e, state.edges[e]));
  }
  return edges;
}

} // namespace

BoundVertex bindVertex(const GraphState &graph, const MemoryLayout &layout,
                       unsigned id) {
  const VertexRecord &record = graph.vertices[id];
  BoundVertex vertex;
  vertex.id = id;
  vertex.type = record.type;
  vertex.object = record.type->create();
  vertex.fields.resize(record.type->fields.size());
  // Scalars first: the declared sizes of the edge fields read them.
  for (std::size_t f = 0; f < record.fields.size(); ++f) {
    const FieldInfo &info = record.type->fields[f];
    if (info.kind != FieldKind::Scalar)
      continue;
    if (!record.fields[f].hasValue)
      throw graph_connection_error(describeVertex(graph, id) + " " +
                                   describeField(info) +
                                   " has no initial value (setInitialValue)");
    info.setScalar(*vertex.object, record.fields[f].value);
  }
  for (std::size_t f = 0; f < record.fields.size(); ++f) {
    const FieldInfo &info = record.type->fields[f];
    if (info.kind != FieldKind::Scalar)
      vertex.fields[f] = bindField(
          EdgeContext{graph, layout, record, info, vertex.object->object()},
          record.fields[f]);
  }
  return vertex;
}

void connectVertex(BoundVertex &vertex,
                   const std::vector<unsigned char *> &tileMemory) {
  for (std::size_t f = 0; f < vertex.fields.size(); ++f) {
    const FieldInfo &info = vertex.type->fields[f];
    std::vector<EdgePointer> pointers;
    for (const BoundEdge &edge : vertex.fields[f])
      pointers.push_back(EdgePointer{
          edge.count ? tileMemory[edge.tile] + edge.offset : nullptr, edge.count});
    if (info.kind == FieldKind::Edge)
      info.bindEdge(*vertex.object, pointers.at(0), info.name.c_str());
    else if (info.kind == FieldKind::EdgeList)
      info.bindEdges(*vertex.object, pointers, info.name.c_str());
  }
}

} // namespace executor
} // namespace poplar
