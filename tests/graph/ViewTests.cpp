// Tensor views, executed: copies through slices, indices, reshapes,
// dimShuffles, broadcasts and concats move exactly the elements a plain
// computation on the host says they view, within a tile and between tiles.
#include <cmath>

#include <poplar/exceptions.hpp>
#include <poputil/VertexTemplates.hpp>

#include "harness/GraphTest.hpp"
#include "harness/TestGraphs.hpp"

using namespace poplar;
using namespace poplar::program;

namespace graphtest {

namespace {

// A [rows, cols] float variable "x" on tile 0, written with 0, 1, 2, ...
struct Source {
  Graph graph;
  Tensor x;
  Sequence prog;
};

Source source(const Device &device, std::vector<std::size_t> shape) {
  Source s{testGraph(device), {}, {}};
  s.x = s.graph.addVariable(FLOAT, shape, "x");
  s.graph.setTileMapping(s.x, 0);
  s.graph.createHostWrite("x", s.x);
  return s;
}

// Copies `view` into a new variable "name" on `tile`, readable as "name".
Tensor copyOut(Source &s, const Tensor &view, const std::string &name,
               unsigned tile = 0) {
  Tensor out = s.graph.addVariable(FLOAT, view.shape(), name);
  s.graph.setTileMapping(out, tile);
  s.prog.add(Copy(view, out));
  s.graph.createHostRead(name, out);
  return out;
}

std::vector<float> run(Source &s, const std::vector<std::string> &outputs,
                       const std::vector<std::size_t> &sizes, const Device &device) {
  Engine engine(s.graph, s.prog);
  engine.load(device);
  write(engine, "x", counting<float>(s.x.numElements()));
  engine.run(0);
  std::vector<float> all;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const std::vector<float> part = read<float>(engine, outputs[i], sizes[i]);
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

} // namespace

GRAPH_TEST(slice_index_and_reshape_view_the_right_elements) {
  const Device device = smallDevice(1);
  Source s = source(device, {3, 4}); // x[r][c] = 4r + c
  copyOut(s, s.x[1], "row1");
  copyOut(s, s.x.slice(1, 3, 1), "cols12");
  copyOut(s, s.x.reshape({4, 3})[2], "reshaped");
  copyOut(s, s.x.flatten().slice(5, 9), "flat");
  copyOut(s, s.x.slice({1, 2}, {3, 4}), "block");
  copyOut(s, s.x.index({2, 3}).reshape({1}), "element");
  const std::vector<float> got = run(s, {"row1", "cols12", "reshaped", "flat", "block", "element"},
                                     {4, 6, 3, 4, 4, 1}, device);
  const std::vector<float> want = {4, 5, 6, 7,           // x[1]
                                   1, 2, 5, 6, 9, 10,    // columns 1..2
                                   6, 7, 8,              // row 2 of [4, 3]
                                   5, 6, 7, 8,           // flat 5..8
                                   6, 7, 10, 11,         // rows 1..2, cols 2..3
                                   11};                  // x[2][3]
  CHECK(got == want);
}

GRAPH_TEST(dim_shuffle_transpose_and_dim_roll_permute_elements) {
  const Device device = smallDevice(1);
  Source s = source(device, {2, 3, 4}); // x[a][b][c] = 12a + 4b + c
  copyOut(s, s.x.dimShuffle({2, 0, 1}), "shuffled");
  copyOut(s, s.x[0].transpose(), "transposed");
  copyOut(s, s.x.dimRoll(2, 0), "rolled");
  const std::vector<float> got =
      run(s, {"shuffled", "transposed", "rolled"}, {24, 12, 24}, device);
  std::vector<float> want;
  for (int c = 0; c < 4; ++c)
    for (int a = 0; a < 2; ++a)
      for (int b = 0; b < 3; ++b)
        want.push_back(float(12 * a + 4 * b + c));
  for (int c = 0; c < 4; ++c)
    for (int b = 0; b < 3; ++b)
      want.push_back(float(4 * b + c));
  for (int c = 0; c < 4; ++c) // dimRoll(2, 0) is dimShuffle({2, 0, 1})
    for (int a = 0; a < 2; ++a)
      for (int b = 0; b < 3; ++b)
        want.push_back(float(12 * a + 4 * b + c));
  CHECK(got == want);
}

GRAPH_TEST(broadcast_repeats_and_concat_joins) {
  const Device device = smallDevice(1);
  Source s = source(device, {2, 3}); // x[r][c] = 3r + c
  copyOut(s, s.x.broadcast(2, 1), "wide");       // [2, 6]
  copyOut(s, s.x.broadcast(2, 0), "tall");       // [4, 3]
  copyOut(s, s.x[1].slice(2, 3).broadcast(4, 0), "scalar4");
  copyOut(s, concat(s.x[1], s.x[0]), "joined");  // [6]
  copyOut(s, concat({s.x, s.x.slice(0, 1, 1)}, 1), "side"); // [2, 4]
  const std::vector<float> got = run(
      s, {"wide", "tall", "scalar4", "joined", "side"}, {12, 12, 4, 6, 8}, device);
  const std::vector<float> want = {0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5,
                                   0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5,
                                   5, 5, 5, 5,
                                   3, 4, 5, 0, 1, 2,
                                   0, 1, 2, 0, 3, 4, 5, 3};
  CHECK(got == want);
}

GRAPH_TEST(copies_between_tiles_follow_the_mapping_and_count_as_exchange) {
  const Device device = smallDevice(3);
  Graph graph = testGraph(device);
  // x: [6] over three tiles by a TileToTensorMapping; y: [6] all on tile 2.
  Tensor x = graph.addVariable(FLOAT, {6}, "x");
  graph.setTileMapping(x, {{Interval(0, 2)}, {Interval(2, 3), Interval(5, 6)},
                           {Interval(3, 5)}});
  Tensor y = graph.addVariable(FLOAT, {6}, "y");
  graph.setTileMapping(y, 2);
  const Graph::TileToTensorMapping mapping = graph.getTileMapping(x);
  CHECK_EQ(mapping.size(), std::size_t(3));
  CHECK(mapping[1] == std::vector<Interval>({Interval(2, 3), Interval(5, 6)}));
  CHECK(graph.getTileMapping(x.slice(1, 5))[2] == std::vector<Interval>({Interval(2, 4)}));
  graph.createHostWrite("x", x);
  graph.createHostRead("y", y);
  Sequence prog;
  prog.add(Copy(x.slice(0, 3), y.slice(3, 6)));
  prog.add(Copy(x.slice(3, 6), y.slice(0, 3)));
  Engine engine(graph, prog);
  engine.load(device);
  write(engine, "x", counting<float>(6, 10.f));
  engine.run();
  CHECK(read<float>(engine, "y", 6) == std::vector<float>({13, 14, 15, 10, 11, 12}));
  // x's elements on tiles 0 and 1 (four of six) cross to tile 2.
  const executor::GraphReport report = executor::report(engine);
  CHECK_EQ(report.copies.size(), std::size_t(2));
  CHECK_EQ(report.exchangeBytes(), std::size_t(4 * sizeof(float)));
}

GRAPH_TEST(variables_read_as_nan_until_written_and_constants_hold_their_values) {
  const Device device = smallDevice(2);
  Graph graph = testGraph(device);
  Tensor fresh = graph.addVariable(FLOAT, {3}, "fresh");
  Tensor ones = graph.addConstant(FLOAT, {2}, 1.0, "ones");
  Tensor halves = graph.addConstant<float>(HALF, {3}, {0.5f, 1.5f, -2.f}, "halves");
  Tensor counts = graph.addConstant<unsigned>(UNSIGNED_INT, {2}, {7u, 9u}, "counts");
  for (const Tensor &t : {fresh, ones, halves})
    graph.setTileMapping(t, 1);
  graph.setTileMapping(counts, 0);
  graph.createHostRead("fresh", fresh);
  graph.createHostRead("ones", ones);
  graph.createHostRead("halves", halves);
  graph.createHostRead("counts", counts);
  Engine engine(graph, Sequence{});
  engine.load(device);
  for (float value : read<float>(engine, "fresh", 3))
    CHECK(std::isnan(value));
  CHECK(read<float>(engine, "ones", 2) == std::vector<float>({1, 1}));
  const std::vector<half> h = read<half>(engine, "halves", 3);
  CHECK(float(h[0]) == 0.5f && float(h[1]) == 1.5f && float(h[2]) == -2.f);
  CHECK(read<unsigned>(engine, "counts", 2) == std::vector<unsigned>({7, 9}));
}

GRAPH_TEST(template_vertex_names_as_poputil_writes_them) {
  CHECK_EQ(poputil::templateVertex("snn_ipu::LifForward", FLOAT, 0u, true, false),
           std::string("snn_ipu::LifForward<float,0,true,false>"));
  CHECK_EQ(poputil::templateVertex("ns::V", HALF, UNSIGNED_INT, std::string("x")),
           std::string("ns::V<half,unsigned int,x>"));
  CHECK_EQ(poputil::templateVertex("ns::Plain"), std::string("ns::Plain"));
}

GRAPH_TEST(views_refuse_indices_outside_their_shape) {
  const Device device = smallDevice(1);
  Graph graph = testGraph(device);
  Tensor x = graph.addVariable(FLOAT, {3, 4}, "x");
  expectRefusal<index_error>([&] { x.slice(2, 5, 1); }, {"slice [2, 5)", "[3, 4]"});
  expectRefusal<index_error>([&] { x[3][0]; }, {"[3, 4]"});
  expectRefusal<poplar_error>([&] { x.reshape({5, 2}); }, {"[3, 4]", "[5, 2]"});
  expectRefusal<poplar_error>([&] { x.dimShuffle({0, 0}); }, {"not a permutation"});
  expectRefusal<poplar_error>([&] { concat(x, x.reshape({4, 3}), 0); }, {"concat"});
  expectRefusal<poplar_error>([&] { Copy(x, x.flatten()); }, {"shape"});
  expectRefusal<invalid_tile_mapping>([&] { graph.setTileMapping(x, 1); },
                                      {"tile 1", "1 tiles"});
}

} // namespace graphtest
