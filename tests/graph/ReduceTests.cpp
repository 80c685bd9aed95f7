// popops::reduce on the host: the sums a plain loop gives, over any set of
// dimensions, as graph elements (a copy onto each tile, a compute set there,
// a gathering copy, a compute set) that the executor checks like any other.
#include <popops/Reduce.hpp>
#include <popops/codelets.hpp>

#include <poplar/exceptions.hpp>
#include <poplar/executor/Report.hpp>

#include "harness/GraphTest.hpp"
#include "harness/TestGraphs.hpp"

using namespace poplar;
using namespace poplar::program;

namespace graphtest {

GRAPH_TEST(reduce_adds_over_the_given_dimensions) {
  const Device device = smallDevice(4);
  Graph graph = testGraph(device);
  popops::addCodelets(graph);
  // x: [3, 4, 5] spread over the tiles by its first dimension.
  Tensor x = graph.addVariable(FLOAT, {3, 4, 5}, "x");
  for (unsigned i = 0; i < 3; ++i)
    graph.setTileMapping(x[i], i);
  graph.createHostWrite("x", x);
  Sequence prog;
  const Tensor all = popops::reduce(graph, x.flatten(), {0}, popops::Operation::ADD,
                                    prog, "all");
  const Tensor outer = popops::reduce(graph, x, {0, 2}, popops::Operation::ADD, prog,
                                      "outer");
  const Tensor maxima = popops::reduce(graph, x, {1}, popops::Operation::MAX, prog,
                                       "maxima");
  CHECK_EQ(all.rank(), 0u);
  CHECK(outer.shape() == std::vector<std::size_t>({4}));
  CHECK(maxima.shape() == std::vector<std::size_t>({3, 5}));
  graph.createHostRead("all", all);
  graph.createHostRead("outer", outer);
  graph.createHostRead("maxima", maxima);
  Engine engine(graph, prog);
  engine.load(device);
  const std::vector<float> values = counting<float>(60, -20.f);
  write(engine, "x", values);
  engine.run();
  float total = 0;
  std::vector<float> perRow(4, 0.f), largest(15, -1e30f);
  for (unsigned i = 0; i < 3; ++i)
    for (unsigned j = 0; j < 4; ++j)
      for (unsigned k = 0; k < 5; ++k) {
        const float v = values[(i * 4 + j) * 5 + k];
        total += v;
        perRow[j] += v; // integers: exact in any order of additions
        largest[i * 5 + k] = std::max(largest[i * 5 + k], v);
      }
  CHECK_EQ(read<float>(engine, "all", 1)[0], total);
  CHECK(read<float>(engine, "outer", 4) == perRow);
  CHECK(read<float>(engine, "maxima", 15) == largest);
  // Each reduction lays its input out on each tile with one copy, and
  // gathers the tiles' partials with another.
  CHECK_EQ(executor::report(engine).copies.size(), std::size_t(6));
}

GRAPH_TEST(reduce_half_partials_into_a_float_result) {
  const Device device = smallDevice(2);
  Graph graph = testGraph(device);
  popops::addCodelets(graph);
  Tensor x = graph.addVariable(HALF, {6}, "x");
  graph.setTileMapping(x.slice(0, 3), 0);
  graph.setTileMapping(x.slice(3, 6), 1);
  graph.createHostWrite("x", x);
  Sequence prog;
  const Tensor sum = popops::reduce(graph, x, FLOAT, {0}, popops::Operation::ADD,
                                    prog, "sum");
  graph.createHostRead("sum", sum);
  Engine engine(graph, prog);
  engine.load(device);
  write(engine, "x", std::vector<half>({half(0.5f), half(1.f), half(2.f), half(4.f),
                                        half(8.f), half(1024.f)}));
  engine.run();
  CHECK_EQ(read<float>(engine, "sum", 1)[0], 1039.5f);
}

GRAPH_TEST(reduce_refuses_without_popops_codelets_or_with_update) {
  const Device device = smallDevice(1);
  Graph graph = testGraph(device);
  Tensor x = graph.addVariable(FLOAT, {4}, "x");
  Sequence prog;
  expectRefusal<poplar_error>(
      [&] { popops::reduce(graph, x, {0}, popops::Operation::ADD, prog, "r"); },
      {"popops::addCodelets"});
  popops::addCodelets(graph);
  expectRefusal<poplar_error>(
      [&] { popops::reduce(graph, x, {0}, {popops::Operation::ADD, true}, prog, "r"); },
      {"update and scale"});
  expectRefusal<poplar_error>(
      [&] { popops::reduce(graph, x, {1}, popops::Operation::ADD, prog, "r"); },
      {"dimension 1"});
}

} // namespace graphtest
