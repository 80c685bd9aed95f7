// Host only (not Poplar): describes a codelet class to the graph executor
// (poplar/executor/VertexType.hpp), field by field, so that Graph::addVertex
// can make one, connect its fields and run it. Include it in the translation
// unit that defines the codelets, compiled as a variant of its own with
// bounds checks (-DSNN_IPU_VARIANT=graph -DSNN_IPU_SHIM_CHECKED
// -DSNN_IPU_SHIM_THROWS), and register every field of the class:
//
//   using V = ns::Scale<float>;
//   using poplar::host::field;
//   poplar::executor::registerCodelets("my_codelets.gp", {
//       poplar::host::vertexType<V>(poputil::templateVertex("ns::Scale", FLOAT), {
//           field("in", &V::in).edgeCount(&V::numRows).minElements(&V::numCols),
//           field("out", &V::out).edgeCount(&V::numRows).minElements(&V::numCols),
//           field("numRows", &V::numRows),
//           field("numCols", &V::numCols)})});
//
// edgeCount declares how many edges a 2-D field must have, minElements how
// many elements each edge must have at least; both are functions of the
// vertex (a member pointer reads a scalar field), checked when an Engine
// compiles the graph. Undeclared, an edge too short for what the vertex
// reads is caught by the checked shim when it runs.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <poplar/Vertex.hpp>
#include <poplar/executor/VertexType.hpp>

namespace poplar {
SNN_IPU_SHIM_BEGIN
namespace host {

namespace registration {

constexpr const char *layoutName(VectorLayout layout) {
  switch (layout) {
  case VectorLayout::ONE_PTR: return "ONE_PTR";
  case VectorLayout::SCALED_PTR32: return "SCALED_PTR32";
  case VectorLayout::SCALED_PTR64: return "SCALED_PTR64";
  case VectorLayout::SCALED_PTR128: return "SCALED_PTR128";
  case VectorLayout::COMPACT_PTR: return "COMPACT_PTR";
  case VectorLayout::SPAN: return "SPAN";
  case VectorLayout::SHORT_SPAN: return "SHORT_SPAN";
  case VectorLayout::COMPACT_DELTAN: return "COMPACT_DELTAN";
  case VectorLayout::DELTAN: return "DELTAN";
  default: return "DELTANELEMENTS";
  }
}

// What a member of a codelet class is: a scalar (the primary template), a
// 1-D edge field, or a 2-D field of edges.
template <typename M> struct FieldTraits {
  static_assert(std::is_arithmetic_v<M> || std::is_same_v<M, half>,
                "a vertex field is an Input/Output/InOut, a Vector of them, "
                "or a scalar");
  static constexpr executor::FieldKind kind = executor::FieldKind::Scalar;
  using Element = M;
};

template <typename T, VectorLayout L, unsigned A, executor::Direction D,
          typename P>
struct EdgeTraits {
  static constexpr executor::FieldKind kind = executor::FieldKind::Edge;
  static constexpr executor::Direction direction = D;
  static constexpr VectorLayout layout = L;
  static constexpr unsigned alignment = A;
  using Element = T;
  using Pointer = P;
};

template <typename T, VectorLayout L, unsigned A, bool I>
struct FieldTraits<Input<Vector<T, L, A, I>>>
    : EdgeTraits<T, L, A, executor::Direction::Input, const T *> {};
template <typename T, VectorLayout L, unsigned A, bool I>
struct FieldTraits<Output<Vector<T, L, A, I>>>
    : EdgeTraits<T, L, A, executor::Direction::Output, T *> {};
template <typename T, VectorLayout L, unsigned A, bool I>
struct FieldTraits<InOut<Vector<T, L, A, I>>>
    : EdgeTraits<T, L, A, executor::Direction::InOut, T *> {};

template <typename Row, VectorLayout L, unsigned A, bool I>
struct FieldTraits<Vector<Row, L, A, I>> : FieldTraits<Row> {
  static constexpr executor::FieldKind kind = executor::FieldKind::EdgeList;
  static constexpr VectorLayout listLayout = L;
};

// A codelet object for the executor.
template <typename V> class VertexOf final : public executor::VertexObject {
public:
  void compute(unsigned workerId) override {
    if constexpr (std::is_base_of_v<MultiVertex, V>)
      vertex_.compute(workerId);
    else
      vertex_.compute();
  }
  void *object() override { return &vertex_; }

private:
  V vertex_{};
};

template <typename V, typename M>
M &member(executor::VertexObject &object, M V::*pointer) {
  return static_cast<V *>(object.object())->*pointer;
}

} // namespace registration

template <typename V> class FieldSpec {
public:
  using Size = std::function<std::size_t(const V &)>;

  template <typename M> FieldSpec(const char *name, M V::*pointer) {
    using Traits = registration::FieldTraits<M>;
    info_.name = name;
    info_.kind = Traits::kind;
    info_.type = equivalent_device_type<typename Traits::Element>().value;
    if constexpr (Traits::kind == executor::FieldKind::Scalar) {
      info_.setScalar = [pointer](executor::VertexObject &o,
                                  const executor::ScalarValue &value) {
        executor::storeScalar(value, equivalent_device_type<M>().value,
                              &registration::member(o, pointer), "setInitialValue");
      };
    } else {
      info_.direction = Traits::direction;
      info_.layout = registration::layoutName(Traits::layout);
      info_.edgeHasSize = detail::layoutHasSize(Traits::layout);
      info_.alignment = Traits::alignment;
      using Pointer = typename Traits::Pointer;
      if constexpr (Traits::kind == executor::FieldKind::Edge) {
        info_.bindEdge = [pointer](executor::VertexObject &o,
                                   executor::EdgePointer edge, const char *field) {
          M &f = registration::member(o, pointer);
          host::connect(f, static_cast<Pointer>(edge.data), edge.size);
          FieldAccess::setName(f, field);
        };
      } else {
        info_.listHasSize = detail::layoutHasSize(Traits::listLayout);
        info_.bindEdges = [pointer](executor::VertexObject &o,
                                    const std::vector<executor::EdgePointer> &edges,
                                    const char *field) {
          auto table = std::make_shared<std::vector<RowEdge<Pointer>>>();
          for (const executor::EdgePointer &edge : edges)
            table->push_back(RowEdge<Pointer>{static_cast<Pointer>(edge.data),
                                              edge.size});
          M &f = registration::member(o, pointer);
          host::connect(f, table->data(), table->size());
          FieldAccess::setName(f, field);
          o.tables.push_back(std::move(table));
        };
      }
    }
  }

  // The number of edges a 2-D field must have.
  FieldSpec &edgeCount(Size count) {
    info_.edgeCount = erase(std::move(count));
    return *this;
  }
  // The elements each edge must have at least.
  FieldSpec &minElements(Size count) {
    info_.minElements = erase(std::move(count));
    return *this;
  }

  const executor::FieldInfo &info() const { return info_; }

private:
  static std::function<std::size_t(const void *)> erase(Size size) {
    return [size](const void *vertex) { return size(*static_cast<const V *>(vertex)); };
  }
  executor::FieldInfo info_;
};

template <typename V, typename M>
FieldSpec<V> field(const char *name, M V::*pointer) {
  return FieldSpec<V>(name, pointer);
}

// The description of codelet class V, added to a graph as vertex `name`.
template <typename V>
executor::VertexType vertexType(std::string name, std::vector<FieldSpec<V>> fields) {
  executor::VertexType type;
  type.name = std::move(name);
  for (const FieldSpec<V> &f : fields)
    type.fields.push_back(f.info());
  if constexpr (std::is_base_of_v<MultiVertex, V>)
    type.numWorkers = V::numWorkers();
  type.create = [] { return std::make_unique<registration::VertexOf<V>>(); };
  return type;
}

} // namespace host
SNN_IPU_SHIM_END
} // namespace poplar
