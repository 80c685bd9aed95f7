// Compiled like every vertex the graph executor runs: -DSNN_IPU_VARIANT=graph
// -DSNN_IPU_SHIM_CHECKED -DSNN_IPU_SHIM_THROWS.
#include "TestVertices.hpp"

#include <cstddef>

#include <poplar/HalfFloat.hpp>
#include <poplar/Vertex.hpp>
#include <poplar/executor/Codelets.hpp>
#include <poplar/host/RegisterVertex.hpp>
#include <poputil/VertexTemplates.hpp>

using namespace poplar;

namespace graphtest {

namespace {

constexpr auto ONE_PTR = VectorLayout::ONE_PTR;
constexpr auto SPAN = VectorLayout::SPAN;

// Worker w's block of n items: [begin, end).
struct Block {
  unsigned begin, end;
};
Block workerBlock(unsigned n, unsigned worker, unsigned workers) {
  const unsigned per = (n + workers - 1) / workers;
  const unsigned begin = worker * per < n ? worker * per : n;
  return {begin, begin + per < n ? begin + per : n};
}

template <typename T> class ScaleRows : public MultiVertex {
public:
  Vector<Input<Vector<T, ONE_PTR, 8>>, ONE_PTR> in;   // [numRows]
  Input<Vector<T, SPAN, 8>> scale;                    // 1 or numCols
  Vector<Output<Vector<T, ONE_PTR, 8>>, ONE_PTR> out; // [numRows]
  unsigned numRows;
  unsigned numCols;

  void compute(unsigned workerId) {
    const Block block = workerBlock(numCols, workerId, numWorkers());
    const bool shared = scale.size() == 1;
    for (unsigned r = 0; r < numRows; ++r) {
      const auto &x = in[r];
      const auto &y = out[r];
      for (unsigned c = block.begin; c < block.end; ++c)
        y[c] = x[c] * scale[shared ? 0 : c];
    }
  }
};

template <typename T> class Accumulate : public MultiVertex {
public:
  InOut<Vector<T, SPAN, 8>> acc;
  Input<Vector<T, ONE_PTR, 8>> in; // acc.size()

  void compute(unsigned workerId) {
    const Block block = workerBlock(unsigned(acc.size()), workerId, numWorkers());
    for (unsigned i = block.begin; i < block.end; ++i)
      acc[i] = acc[i] + in[i];
  }
};

template <typename T> class Sum : public Vertex {
public:
  Input<Vector<T, SPAN>> in;
  Output<Vector<T, ONE_PTR>> out; // 1

  void compute() {
    T total = T(0);
    for (std::size_t i = 0; i < in.size(); ++i)
      total = total + in[i];
    out[0] = total;
  }
};

class Stamp : public Vertex {
public:
  Output<Vector<unsigned, ONE_PTR>> out; // 1
  unsigned id;

  bool compute() {
    stampLog().push_back(id);
    out[0] = id;
    return true;
  }
};

template <typename T> executor::VertexType scaleRows(const char *name, bool declared) {
  using V = ScaleRows<T>;
  auto in = host::field("in", &V::in);
  auto out = host::field("out", &V::out);
  auto scale = host::field("scale", &V::scale);
  if (declared) {
    in.edgeCount(&V::numRows).minElements(&V::numCols);
    out.edgeCount(&V::numRows).minElements(&V::numCols);
  }
  return host::vertexType<V>(
      poputil::templateVertex(name, equivalent_device_type<T>().value),
      {in, scale, out, host::field("numRows", &V::numRows),
       host::field("numCols", &V::numCols)});
}

template <typename T> executor::VertexType accumulate() {
  using V = Accumulate<T>;
  return host::vertexType<V>(
      poputil::templateVertex("graphtest::Accumulate", equivalent_device_type<T>().value),
      {host::field("acc", &V::acc), host::field("in", &V::in)});
}

template <typename T> executor::VertexType sum() {
  using V = Sum<T>;
  return host::vertexType<V>(
      poputil::templateVertex("graphtest::Sum", equivalent_device_type<T>().value),
      {host::field("in", &V::in),
       host::field("out", &V::out).minElements([](const V &) { return 1; })});
}

} // namespace

std::vector<unsigned> &stampLog() {
  static std::vector<unsigned> log;
  return log;
}

void registerTestCodelets() {
  executor::registerCodelets(
      kTestCodelets,
      {scaleRows<float>("graphtest::ScaleRows", true),
       scaleRows<half>("graphtest::ScaleRows", true),
       scaleRows<float>("graphtest::ScaleRowsUndeclared", false),
       accumulate<float>(), sum<float>(), sum<unsigned>(),
       host::vertexType<Stamp>("graphtest::Stamp",
                               {host::field("out", &Stamp::out),
                                host::field("id", &Stamp::id)})});
}

} // namespace graphtest
