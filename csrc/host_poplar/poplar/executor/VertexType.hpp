// Host only (not Poplar): how the graph executor knows a vertex type. A real
// Poplar reads a codelet's fields from its compiled object; the host needs
// each vertex class described once, field by field, with pointers into the
// C++ object: poplar/host/RegisterVertex.hpp makes a VertexType from a
// codelet class, and poplar/executor/Codelets.hpp registers it under the
// name Graph::addVertex is given ("ns::Class<float,1,true>").
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <poplar/Type.hpp>
#include <poplar/executor/ScalarValue.hpp>

namespace poplar {
namespace executor {

enum class FieldKind {
  Scalar,   // a member set with Graph::setInitialValue
  Edge,     // Input/Output/InOut<Vector<T>>: one tensor
  EdgeList, // Vector<Input/Output/InOut<Vector<T>>>: a vector of tensors
};

enum class Direction { Input, Output, InOut };

// Edge elements in host memory, for the binders below.
struct EdgePointer {
  void *data;
  std::size_t size;
};

// One vertex: the codelet object, run by compute(workerId) (a Vertex's
// compute() for workerId 0); tables keeps the 2-D fields' edge tables alive.
class VertexObject {
public:
  virtual ~VertexObject() = default;
  virtual void compute(unsigned workerId) = 0;
  virtual void *object() = 0;
  std::vector<std::shared_ptr<void>> tables;
};

struct FieldInfo {
  std::string name;
  FieldKind kind = FieldKind::Scalar;
  Direction direction = Direction::Input;
  Type type;                 // an edge's elements, or the scalar
  std::string layout;        // each edge's VectorLayout ("ONE_PTR", "SPAN")
  bool edgeHasSize = false;  // each edge stores its size (SPAN)
  bool listHasSize = false;  // a 2-D field stores its number of edges
  unsigned alignment = 1;    // bytes, of each edge's first element
  // Declared by the registration, evaluated on the vertex object once its
  // scalars are set: the number of edges of a 2-D field, and the elements
  // each edge must have at least (empty: not declared).
  std::function<std::size_t(const void *vertex)> edgeCount;
  std::function<std::size_t(const void *vertex)> minElements;
  // Connect the object's member; `name` is kept for the checked shim's
  // messages and must outlive the object.
  std::function<void(VertexObject &, EdgePointer, const char *name)> bindEdge;
  std::function<void(VertexObject &, const std::vector<EdgePointer> &,
                     const char *name)>
      bindEdges;
  std::function<void(VertexObject &, const ScalarValue &)> setScalar;
};

struct VertexType {
  std::string name;
  std::vector<FieldInfo> fields;
  unsigned numWorkers = 1; // compute(workerId) for each: a MultiVertex's
  std::function<std::unique_ptr<VertexObject>()> create;

  // The index of field `name` in fields, or fields.size().
  std::size_t fieldIndex(const std::string &name) const;
};

} // namespace executor
} // namespace poplar
