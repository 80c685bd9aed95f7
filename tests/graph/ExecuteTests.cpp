// Compute sets, executed: a MultiVertex with 2-D fields over several tiles
// gives what a plain computation gives, whatever order its vertices and
// workers run in; InOut fields, plain Vertex classes, edges connected one by
// one, virtual graphs, cycle estimators and the report.
#include <algorithm>
#include <numeric>

#include <poplar/exceptions.hpp>
#include <poplar/executor/Report.hpp>

#include "harness/GraphTest.hpp"
#include "harness/ScaleLayer.hpp"
#include "harness/TestGraphs.hpp"

using namespace poplar;
using namespace poplar::program;

namespace graphtest {

GRAPH_TEST(multivertex_over_tiles_matches_a_plain_computation) {
  const Device device = smallDevice(4);
  for (const bool shared : {false, true}) {
    LayerOptions options;
    options.sharedScale = shared;
    Layer layer = buildLayer(device, options);
    CHECK(runLayer(layer, device) == expectedLayer(options));
  }
}

GRAPH_TEST(half_multivertex_matches_a_plain_computation) {
  const Device device = smallDevice(3);
  LayerOptions options;
  options.type = HALF;
  options.blocks = {8, 8, 4};
  Layer layer = buildLayer(device, options);
  CHECK(runLayer(layer, device) == expectedLayer(options));
}

GRAPH_TEST(results_do_not_depend_on_the_shuffled_vertex_order) {
  const Device device = smallDevice(4);
  Layer layer = buildLayer(device);
  const std::vector<float> first = runLayer(layer, device, 1);
  for (std::uint64_t seed : {2u, 3u, 4u})
    CHECK(runLayer(layer, device, seed) == first);
}

GRAPH_TEST(vertices_run_in_a_shuffled_order_that_the_seed_decides) {
  const Device device = smallDevice(2);
  Graph graph = testGraph(device);
  const unsigned n = 8;
  Tensor ids = graph.addVariable(UNSIGNED_INT, {n}, "ids");
  ComputeSet cs = graph.addComputeSet("stamp");
  for (unsigned i = 0; i < n; ++i) {
    graph.setTileMapping(ids[i], i % 2);
    VertexRef v = graph.addVertex(cs, "graphtest::Stamp");
    graph.connect(v["out"], ids.slice(i, i + 1));
    graph.setInitialValue(v["id"], i);
    graph.setTileMapping(v, i % 2);
  }
  graph.createHostRead("ids", ids);
  const auto order = [&](std::uint64_t seed, unsigned runs) {
    Engine engine(graph, Execute(cs));
    executor::setVertexOrderSeed(engine, seed);
    engine.load(device);
    stampLog().clear();
    for (unsigned r = 0; r < runs; ++r)
      engine.run();
    CHECK(read<unsigned>(engine, "ids", n) == counting<unsigned>(n));
    return stampLog();
  };
  const std::vector<unsigned> a = order(1, 2), b = order(2, 1);
  std::vector<unsigned> sorted(a.begin(), a.begin() + n);
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == counting<unsigned>(n)); // every vertex once per run
  CHECK(std::vector<unsigned>(a.begin(), a.begin() + n) != counting<unsigned>(n));
  CHECK(std::vector<unsigned>(a.begin(), a.begin() + n) !=
        std::vector<unsigned>(a.begin() + n, a.end())); // a new order every run
  CHECK(std::vector<unsigned>(a.begin(), a.begin() + n) != b);
  CHECK(order(1, 2) == a); // the same seed, the same orders
}

GRAPH_TEST(inout_field_accumulates_in_place_across_repeats) {
  const Device device = smallDevice(1);
  Graph graph = testGraph(device);
  Tensor acc = variableOn(graph, FLOAT, {10}, "acc");
  Tensor in = variableOn(graph, FLOAT, {10}, "in");
  ComputeSet cs = graph.addComputeSet("accumulate");
  vertexOn(graph, cs, "graphtest::Accumulate<float>", 0, {{"acc", acc}, {"in", in}});
  graph.createHostWrite("acc", acc);
  graph.createHostWrite("in", in);
  graph.createHostRead("result", acc);
  Engine engine(graph, Repeat(3, Execute(cs)));
  engine.load(device);
  write(engine, "acc", counting<float>(10));
  write(engine, "in", counting<float>(10, 100.f));
  engine.run();
  const std::vector<float> result = read<float>(engine, "result", 10);
  for (unsigned i = 0; i < 10; ++i)
    CHECK_EQ(result[i], float(i) + 3 * float(100 + i));
}

GRAPH_TEST(plain_vertex_runs_once_with_a_span_field) {
  const Device device = smallDevice(1);
  Graph graph = testGraph(device);
  Tensor in = graph.addConstant<unsigned>(UNSIGNED_INT, {5}, {1u, 2u, 3u, 4u, 5u}, "in");
  graph.setTileMapping(in, 0);
  Tensor total = variableOn(graph, UNSIGNED_INT, {}, "total");
  ComputeSet cs = graph.addComputeSet("sum");
  vertexOn(graph, cs, "graphtest::Sum<unsigned int>", 0, {{"in", in}, {"out", total}});
  graph.createHostRead("total", total);
  Engine engine(graph, Execute(cs));
  engine.load(device);
  engine.run();
  CHECK_EQ(read<unsigned>(engine, "total", 1)[0], 15u);
}

GRAPH_TEST(edges_of_a_2d_field_connected_one_by_one) {
  const Device device = smallDevice(4);
  LayerOptions options;
  Layer layer = buildLayer(device, options, [](Layer &l, VertexPlan &plan) {
    // The same edges, but through setFieldSize and field[i] for tile 1.
    if (plan.tile != 1)
      return;
    ComputeSet cs = l.graph.addComputeSet("one by one");
    VertexRef v = l.graph.addVertex(cs, "graphtest::ScaleRows<float>");
    l.graph.setFieldSize(v["in"], plan.in.size());
    for (std::size_t r = plan.in.size(); r-- > 0;)
      l.graph.connect(v["in"][r], plan.in[r]);
    CHECK_EQ(l.graph.getFieldSize(v["in"]), plan.in.size());
    CHECK_EQ(l.graph.getFieldSize(v["in"][0]), std::size_t(plan.numCols));
    l.graph.connect(v["out"], plan.out);
    l.graph.connect(v["scale"], plan.scale);
    l.graph.setInitialValue(v["numRows"], plan.numRows);
    l.graph.setInitialValue(v["numCols"], plan.numCols);
    l.graph.setTileMapping(v, plan.tile);
    l.prog.add(Execute(cs));
  });
  // Tile 1's block is computed twice, by the same values: same result.
  CHECK(runLayer(layer, device) == expectedLayer(options));
}

GRAPH_TEST(report_counts_tiles_vertices_edges_copies_and_memory) {
  const Device device = smallDevice(5, 4096);
  LayerOptions options; // rows 5, blocks 6 6 6 4 over tiles 0..3
  Layer layer = buildLayer(device, options);
  layer.graph.registerPerfEstimator(
      "graphtest::ScaleRows<float>",
      [](const VertexIntrospector &v, const Target &target) {
        return VertexPerfEstimate(
            v.getFieldInfo("numRows").getInitialValue<unsigned>(target) *
            v.getFieldInfo("numCols").getInitialValue<unsigned>(target));
      });
  Engine engine(layer.graph, layer.prog);
  const executor::GraphReport r = executor::report(engine);
  CHECK_EQ(r.numTiles, 5u);
  CHECK_EQ(r.tilesUsed, 4u);
  CHECK_EQ(r.vertices, std::size_t(4));
  CHECK_EQ(r.edges, std::size_t(4 * (5 + 5 + 1)));
  CHECK_EQ(r.computeSets.size(), std::size_t(1));
  CHECK_EQ(r.computeSets[0].tiles, 4u);
  CHECK(r.computeSets[0].cycles == std::optional<std::uint64_t>(5 * 6));
  CHECK_EQ(r.copies.size(), std::size_t(1));
  CHECK_EQ(r.copies[0].bytes, std::size_t(5 * 22 * 4));
  CHECK_EQ(r.exchangeBytes(), std::size_t(5 * 16 * 4)); // all but tile 0's block
  // Tile 0: input [22, 5], and its blocks of x, out (5 rows of 6: 5 regions
  // each) and scale, all floats; plus its vertex's state: 5 + 5 edges of 4
  // bytes and two table pointers, an 8-byte SPAN edge, two scalars.
  CHECK_EQ(r.largestTile.tile, 0u);
  CHECK_EQ(r.largestTile.variableBytes, std::size_t(4 * (110 + 30 + 30 + 6)));
  CHECK_EQ(r.largestTile.vertexBytes, std::size_t(4 + 5 * 4 + 4 + 5 * 4 + 8 + 4 + 4));
}

GRAPH_TEST(virtual_graph_numbers_tiles_from_its_first) {
  const Device device = smallDevice(4);
  Graph graph = testGraph(device);
  Graph upper = graph.createVirtualGraph(2, 4);
  CHECK_EQ(upper.getTarget().getNumTiles(), 2u);
  Tensor t = upper.addVariable(FLOAT, {4}, "t");
  upper.setTileMapping(t.slice(0, 2), 0);
  upper.setTileMapping(t.slice(2, 4), 1);
  CHECK(graph.getTileMapping(t)[3] == std::vector<Interval>({Interval(2, 4)}));
  CHECK(upper.getTileMapping(t)[1] == std::vector<Interval>({Interval(2, 4)}));
  ComputeSet cs = upper.addComputeSet("sum");
  Tensor total = variableOn(upper, FLOAT, {1}, "total", 1);
  // Tile 1 of the virtual graph, tile 3 of the device.
  vertexOn(upper, cs, "graphtest::Sum<float>", 1, {{"in", t.slice(2, 4)}, {"out", total}});
  graph.createHostWrite("t", t);
  graph.createHostRead("total", total);
  Engine engine(graph, Execute(cs));
  engine.load(device);
  write(engine, "t", std::vector<float>({1, 2, 3, 4}));
  engine.run();
  CHECK_EQ(read<float>(engine, "total", 1)[0], 7.f);
}

GRAPH_TEST(engine_refuses_use_before_load_and_mismatched_transfers) {
  const Device device = smallDevice(1);
  Graph graph = testGraph(device);
  graph.createHostWrite("t", variableOn(graph, FLOAT, {4}, "t"));
  Engine engine(graph, Sequence{});
  std::vector<float> buffer(4);
  expectRefusal<poplar::runtime_error>([&] { engine.run(); }, {"not loaded"});
  engine.load(device);
  expectRefusal<poplar::runtime_error>(
      [&] { engine.writeTensor("t", buffer.data(), buffer.data() + 3); },
      {"12 bytes", "16"});
  expectRefusal<poplar::runtime_error>(
      [&] { engine.readTensor("t", buffer.data(), buffer.data() + 4); },
      {"createHostRead", "'t'"});
  expectRefusal<index_error>([&] { engine.run(1); }, {"program 1"});
  expectRefusal<poplar_error>([&] { engine.load(smallDevice(2)); }, {"2 tiles"});
}

} // namespace graphtest
