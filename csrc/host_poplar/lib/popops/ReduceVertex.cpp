// Compiled with -DSNN_IPU_VARIANT=graph -DSNN_IPU_SHIM_CHECKED
// -DSNN_IPU_SHIM_THROWS, like every vertex the graph executor runs.
#include "ReduceVertex.hpp"

#include <limits>
#include <type_traits>
#include <vector>

#include <poplar/HalfFloat.hpp>
#include <poplar/Vertex.hpp>
#include <poplar/executor/Codelets.hpp>
#include <poplar/host/RegisterVertex.hpp>
#include <poputil/VertexTemplates.hpp>

namespace popops {
namespace host {

namespace {

template <typename In>
using Accumulator = std::conditional_t<std::is_floating_point_v<In> ||
                                           std::is_same_v<In, half>,
                                       float, In>;

template <Operation Op, typename A> A identity() {
  if constexpr (Op == Operation::MUL)
    return A(1);
  else if constexpr (Op == Operation::MIN)
    return std::numeric_limits<A>::has_infinity ? std::numeric_limits<A>::infinity()
                                                : std::numeric_limits<A>::max();
  else if constexpr (Op == Operation::MAX)
    return std::numeric_limits<A>::has_infinity ? -std::numeric_limits<A>::infinity()
                                                : std::numeric_limits<A>::lowest();
  else
    return A(0);
}

template <Operation Op, typename A> A combine(A acc, A x) {
  if constexpr (Op == Operation::MUL)
    return acc * x;
  else if constexpr (Op == Operation::MIN)
    return x < acc ? x : acc;
  else if constexpr (Op == Operation::MAX)
    return x > acc ? x : acc;
  else if constexpr (Op == Operation::SQUARE_ADD)
    return acc + x * x;
  else
    return acc + x;
}

template <Operation Op, typename In, typename Out>
class Reduce : public poplar::Vertex {
  using A = Accumulator<In>;

public:
  poplar::Vector<poplar::Input<poplar::Vector<In>>> partials; // one per output
  poplar::Output<poplar::Vector<Out>> out;

  void compute() {
    for (std::size_t o = 0; o < out.size(); ++o) {
      const auto row = partials[o];
      A acc = identity<Op, A>();
      for (std::size_t i = 0; i < row.size(); ++i)
        acc = combine<Op>(acc, A(row[i]));
      out[o] = Out(acc);
    }
  }
};

template <Operation Op, typename In, typename Out>
poplar::executor::VertexType describe() {
  using V = Reduce<Op, In, Out>;
  return poplar::host::vertexType<V>(
      reduceVertexName(Op, poplar::equivalent_device_type<In>().value,
                       poplar::equivalent_device_type<Out>().value),
      {poplar::host::field("partials", &V::partials),
       poplar::host::field("out", &V::out)});
}

template <Operation Op> void describeAll(std::vector<poplar::executor::VertexType> &types) {
  types.push_back(describe<Op, float, float>());
  types.push_back(describe<Op, float, half>());
  types.push_back(describe<Op, half, float>());
  types.push_back(describe<Op, half, half>());
  types.push_back(describe<Op, int, int>());
  types.push_back(describe<Op, unsigned, unsigned>());
}

} // namespace

std::string reduceVertexName(Operation op, const poplar::Type &in,
                             const poplar::Type &out) {
  return poputil::templateVertex("popops::host::Reduce", op, in, out);
}

bool hasReduceVertex(Operation op, const poplar::Type &in, const poplar::Type &out) {
  const bool floats = (in == poplar::FLOAT || in == poplar::HALF) &&
                      (out == poplar::FLOAT || out == poplar::HALF);
  const bool integers = in == out && (in == poplar::INT || in == poplar::UNSIGNED_INT);
  return (floats || integers) && op != Operation::LOGICAL_AND &&
         op != Operation::LOGICAL_OR && op != Operation::LOG_ADD;
}

void registerCodelets() {
  std::vector<poplar::executor::VertexType> types;
  describeAll<Operation::ADD>(types);
  describeAll<Operation::SQUARE_ADD>(types);
  describeAll<Operation::MUL>(types);
  describeAll<Operation::MIN>(types);
  describeAll<Operation::MAX>(types);
  poplar::executor::registerCodelets(kCodeletLibrary, std::move(types));
}

} // namespace host
} // namespace popops
