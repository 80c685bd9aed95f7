#include "Describe.hpp"

#include <set>

#include "TensorView.hpp"

namespace poplar {
namespace executor {

std::string describeVertex(const GraphState &graph, unsigned vertex) {
  const VertexRecord &v = graph.vertices[vertex];
  std::string where = "compute set '" + graph.computeSets[v.computeSet].name + "'";
  if (v.tile != VertexRecord::kNoTile)
    where += ", tile " + std::to_string(v.tile);
  return "vertex '" + v.type->name + "' #" + std::to_string(vertex) + " (" +
         where + ")";
}

std::string describeField(const FieldInfo &field, std::size_t edge) {
  std::string s = "field '" + field.name + "'";
  if (edge != ~std::size_t(0))
    s += " edge " + std::to_string(edge);
  return s;
}

std::string describeElements(const GraphState &graph, unsigned variable,
                             std::size_t begin, std::size_t end) {
  const VariableRecord &var = graph.variables[variable];
  // The multi-index of `begin` in the variable's shape.
  std::vector<std::size_t> index(var.shape.size());
  std::size_t rest = begin;
  for (std::size_t d = var.shape.size(); d-- > 0;) {
    index[d] = var.shape[d] ? rest % var.shape[d] : 0;
    rest = var.shape[d] ? rest / var.shape[d] : 0;
  }
  std::string s = std::string(var.constant ? "constant '" : "tensor '") +
                  var.name + "' " + shapeString(var.shape);
  if (end == begin + 1)
    return s + " element " + std::to_string(begin) + " (at " +
           shapeString(index) + ")";
  return s + " elements [" + std::to_string(begin) + ", " + std::to_string(end) +
         ") (first at " + shapeString(index) + ")";
}

std::string describeTensor(const GraphState &graph, const Tensor &tensor) {
  std::set<std::string> names;
  for (const ElementRun &run : tensor.view().runs)
    names.insert("'" + graph.variables[run.variable].name + "'");
  std::string s = names.size() == 1 ? "tensor " : "tensor of ";
  bool first = true;
  for (const std::string &name : names) {
    s += (first ? "" : ", ") + name;
    first = false;
  }
  return s + " " + tensor.shapeToString();
}

std::string describeEdge(const GraphState &graph, const Tensor &tensor) {
  const TensorView &view = tensor.view();
  if (view.runs.size() != 1 || !view.runs[0].consecutive())
    return describeTensor(graph, tensor);
  const ElementRun &run = view.runs[0];
  return describeElements(graph, run.variable, run.start, run.start + run.count);
}

} // namespace executor
} // namespace poplar
