#include "WriteConflicts.hpp"

#include <algorithm>

#include <poplar/exceptions.hpp>

#include "Describe.hpp"

namespace poplar {
namespace executor {

namespace {

// One edge's elements, and who touches them how.
struct Access {
  unsigned variable;
  std::size_t begin, end;
  unsigned vertex;
  std::size_t field, edge;
  bool writes;
};

// The two accesses seen so far that reach furthest, from different vertices:
// a new access overlaps an earlier one of another vertex if and only if it
// overlaps one of these.
class Furthest {
public:
  const Access *overlapping(const Access &a) const {
    for (const Access *seen : {first_, second_})
      if (seen && seen->vertex != a.vertex && seen->variable == a.variable &&
          seen->end > a.begin)
        return seen;
    return nullptr;
  }
  void add(const Access &a) {
    if (first_ && first_->variable != a.variable)
      first_ = second_ = nullptr;
    if (!first_ || a.end > first_->end) {
      if (!first_ || first_->vertex != a.vertex)
        second_ = first_;
      first_ = &a;
    } else if (a.vertex != first_->vertex && (!second_ || a.end > second_->end)) {
      second_ = &a;
    }
  }

private:
  const Access *first_ = nullptr;
  const Access *second_ = nullptr;
};

std::string describeAccess(const GraphState &graph, const BoundVertex &vertex,
                           const Access &a) {
  const FieldInfo &field = vertex.type->fields[a.field];
  return describeVertex(graph, a.vertex) + " " +
         describeField(field, field.kind == FieldKind::EdgeList ? a.edge
                                                                : ~std::size_t(0));
}

void checkComputeSet(const GraphState &graph, const ComputeSetRecord &cs,
                     const std::vector<BoundVertex> &vertices) {
  std::vector<Access> accesses;
  for (unsigned id : cs.vertices) {
    const BoundVertex &vertex = vertices[id];
    for (std::size_t f = 0; f < vertex.fields.size(); ++f) {
      const Direction direction = vertex.type->fields[f].direction;
      for (std::size_t e = 0; e < vertex.fields[f].size(); ++e) {
        const BoundEdge &edge = vertex.fields[f][e];
        if (edge.count == 0)
          continue;
        const Access a{edge.variable, edge.begin, edge.begin + edge.count,
                       id, f, e, direction != Direction::Input};
        accesses.push_back(a);
        if (direction == Direction::InOut) {
          accesses.push_back(a);
          accesses.back().writes = false;
        }
      }
    }
  }
  std::sort(accesses.begin(), accesses.end(), [](const Access &a, const Access &b) {
    return a.variable != b.variable ? a.variable < b.variable : a.begin < b.begin;
  });
  Furthest writes, reads;
  for (const Access &a : accesses) {
    const Access *other = writes.overlapping(a);
    if (!other && a.writes)
      other = reads.overlapping(a);
    if (other) {
      const Access &writer = other->writes ? *other : a;
      const Access &second = other->writes ? a : *other;
      throw graph_program_compilation_error(
          "compute set '" + cs.name + "': " +
          describeAccess(graph, vertices[writer.vertex], writer) + " writes " +
          describeElements(graph, a.variable, std::max(a.begin, other->begin),
                           std::min(a.end, other->end)) +
          ", which " + describeAccess(graph, vertices[second.vertex], second) +
          (second.writes ? " also writes" : " reads") +
          " (the vertices of a compute set run in parallel)");
    }
    (a.writes ? writes : reads).add(a);
  }
}

} // namespace

void checkWriteConflicts(const GraphState &graph,
                         const std::vector<BoundVertex> &vertices) {
  for (const ComputeSetRecord &cs : graph.computeSets)
    checkComputeSet(graph, cs, vertices);
}

} // namespace executor
} // namespace poplar
