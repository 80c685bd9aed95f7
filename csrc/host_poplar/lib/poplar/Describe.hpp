// The words error messages and reports name graph elements with: a vertex
// (its type, id, compute set and tile), a field and edge, a tensor or a
// range of a variable's elements (its debug name and the element's index).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "GraphState.hpp"

namespace poplar {
namespace executor {

// "vertex 'ns::V<float>' #3 (compute set 'cs', tile 1)"
std::string describeVertex(const GraphState &graph, unsigned vertex);
// "field 'in'", "field 'in' edge 2"
std::string describeField(const FieldInfo &field, std::size_t edge = ~std::size_t(0));
// "tensor 'x' [2, 8] elements [4, 8) (first at [0, 4])"
std::string describeElements(const GraphState &graph, unsigned variable,
                             std::size_t begin, std::size_t end);
// The variables a tensor views: "tensor 'x' [3]", or several names.
std::string describeTensor(const GraphState &graph, const Tensor &tensor);
// A tensor that is one run of a variable's elements as describeElements
// says it, any other as describeTensor.
std::string describeEdge(const GraphState &graph, const Tensor &tensor);

} // namespace executor
} // namespace poplar
