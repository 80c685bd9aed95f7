// Each rule a real Poplar enforces, checked by the host: a graph that breaks
// it is refused with a message naming the vertex, field, tensor and tile,
// and the same graph without the fault compiles and runs (so the rule does
// not simply always fire).
#include <poplar/exceptions.hpp>

#include "harness/GraphTest.hpp"
#include "harness/ScaleLayer.hpp"
#include "harness/TestGraphs.hpp"

using namespace poplar;
using namespace poplar::program;

namespace graphtest {

namespace {

// The layer with `tweak` applied to tile `tile`'s vertex only.
Tweak onTile(unsigned tile, std::function<void(Layer &, VertexPlan &)> change) {
  return [tile, change](Layer &layer, VertexPlan &plan) {
    if (plan.tile == tile)
      change(layer, plan);
  };
}

// The untouched layer compiles and gives the plain computation's result.
void expectPasses(const LayerOptions &options = {}) {
  const Device device = smallDevice(4);
  Layer layer = buildLayer(device, options);
  CHECK(runLayer(layer, device) == expectedLayer(options));
}

template <typename E>
void expectCompileRefusal(const Tweak &tweak, std::initializer_list<std::string> words,
                          const LayerOptions &options = {}) {
  expectPasses(options);
  const Device device = smallDevice(4);
  Layer layer = buildLayer(device, options, tweak);
  expectRefusal<E>([&] { Engine engine(layer.graph, layer.prog); }, words);
}

// Two vertices of one compute set on tile 0, each scaling `first` and
// `second` columns of one row: [a, b) of x into [c, d) of y.
struct Span2 {
  std::size_t inBegin, inEnd, outBegin, outEnd;
  bool readsOutput = false; // the in edge reads y instead of x
};

void twoVertices(Span2 first, Span2 second, bool expectRefused,
                 std::initializer_list<std::string> words) {
  const Device device = smallDevice(1);
  Graph graph = testGraph(device);
  Tensor x = graph.addVariable(FLOAT, {1, 8}, "x");
  Tensor y = graph.addVariable(FLOAT, {1, 8}, "y");
  Tensor scale = graph.addConstant(FLOAT, {1}, 2.0, "scale");
  for (const Tensor &t : {x, y, scale})
    graph.setTileMapping(t, 0);
  ComputeSet cs = graph.addComputeSet("pair");
  for (const Span2 &s : {first, second}) {
    VertexRef v = graph.addVertex(cs, "graphtest::ScaleRows<float>");
    graph.connect(v["in"], std::vector<Tensor>{
                               (s.readsOutput ? y : x)[0].slice(s.inBegin, s.inEnd)});
    graph.connect(v["out"], std::vector<Tensor>{y[0].slice(s.outBegin, s.outEnd)});
    graph.connect(v["scale"], scale);
    graph.setInitialValue(v["numRows"], 1u);
    graph.setInitialValue(v["numCols"], unsigned(s.inEnd - s.inBegin));
    graph.setTileMapping(v, 0);
  }
  graph.createHostWrite("x", x);
  if (!expectRefused) {
    Engine engine(graph, Execute(cs));
    engine.load(device);
    write(engine, "x", counting<float>(8));
    engine.run();
    return;
  }
  expectRefusal<graph_program_compilation_error>(
      [&] { Engine engine(graph, Execute(cs)); }, words);
}

} // namespace

GRAPH_TEST(refuses_an_edge_to_an_element_on_another_tile) {
  // Tile 0's vertex reads row 2 of tile 1's block (of the same length).
  expectCompileRefusal<graph_connection_error>(
      onTile(0, [](Layer &l, VertexPlan &p) { p.in[2] = l.x[2].slice(6, 12); }),
      {"vertex 'graphtest::ScaleRows<float>' #0 (compute set 'scale', tile 0)",
       "field 'in' edge 2", "tensor 'x' [5, 22] elements [50, 56)",
       "which is on tile 1, not the vertex's tile 0"});
}

GRAPH_TEST(refuses_a_variable_with_unmapped_elements) {
  const Device device = smallDevice(2);
  const auto build = [&](bool mapAll) {
    Graph graph = testGraph(device);
    Tensor t = graph.addVariable(FLOAT, {4, 3}, "partly");
    graph.setTileMapping(t.slice(0, 2), 0);
    if (mapAll)
      graph.setTileMapping(t.slice(2, 4), 1);
    else
      graph.setTileMapping(t[3], 1); // row 2 left unmapped
    Engine engine(graph, Sequence{});
  };
  build(true);
  expectRefusal<invalid_tile_mapping>([&] { build(false); },
                                      {"tensor 'partly' [4, 3]", "elements [6, 9)",
                                       "(first at [2, 0])", "no tile mapping",
                                       "3 of its 12"});
}

GRAPH_TEST(refuses_a_vertex_without_a_tile) {
  expectCompileRefusal<invalid_tile_mapping>(
      onTile(3, [](Layer &, VertexPlan &p) { p.mapVertex = false; }),
      {"vertex 'graphtest::ScaleRows<float>' #3", "has no tile mapping"});
}

GRAPH_TEST(refuses_a_field_left_unconnected) {
  expectCompileRefusal<graph_connection_error>(
      onTile(2, [](Layer &, VertexPlan &p) { p.connectScale = false; }),
      {"vertex 'graphtest::ScaleRows<float>' #2", "tile 2", "field 'scale'",
       "is not connected"});
}

GRAPH_TEST(refuses_a_scalar_field_without_a_value) {
  expectCompileRefusal<graph_connection_error>(
      onTile(1, [](Layer &, VertexPlan &p) { p.setNumCols = false; }),
      {"vertex 'graphtest::ScaleRows<float>' #1", "field 'numCols'",
       "has no initial value"});
}

GRAPH_TEST(refuses_a_2d_field_with_the_wrong_number_of_edges) {
  expectCompileRefusal<graph_connection_error>(
      onTile(1, [](Layer &, VertexPlan &p) { p.out.pop_back(); }),
      {"vertex 'graphtest::ScaleRows<float>' #1", "tile 1", "field 'out'",
       "has 4 edges; the vertex reads 5"});
}

GRAPH_TEST(refuses_an_edge_shorter_than_the_vertex_declares_it_reads) {
  expectCompileRefusal<graph_connection_error>(
      onTile(2, [](Layer &l, VertexPlan &p) { p.in[4] = l.x[4].slice(12, 17); }),
      {"vertex 'graphtest::ScaleRows<float>' #2", "field 'in' edge 4",
       "tensor 'x' [5, 22] elements [100, 105)", "of 5 elements; the vertex reads 6"});
}

GRAPH_TEST(an_edge_too_short_for_what_the_vertex_reads_fails_when_it_runs) {
  // Without declared sizes, the checked shim catches the read past the edge.
  LayerOptions options;
  options.vertex = "graphtest::ScaleRowsUndeclared";
  expectPasses(options);
  const Device device = smallDevice(4);
  Layer layer = buildLayer(device, options, onTile(2, [](Layer &l, VertexPlan &p) {
                             p.in[4] = l.x[4].slice(12, 17);
                           }));
  expectRefusal<poplar_error>(
      [&] { runLayer(layer, device); },
      {"vertex 'graphtest::ScaleRowsUndeclared<float>' #2", "tile 2",
       "field 'in' row 4", "index 5 out of bounds (size 5)",
       "the edge is tensor 'x' [5, 22] elements [100, 105)"});
}

GRAPH_TEST(refuses_a_one_ptr_edge_not_8_byte_aligned) {
  // One tile holds all 6 (then 5) columns: x is one region, and row r of it
  // starts at byte 4 * cols * r, which for 5 columns is 20 for row 1.
  LayerOptions options;
  options.blocks = {6};
  expectPasses(options);
  options.blocks = {5};
  const Device device = smallDevice(4);
  Layer layer = buildLayer(device, options);
  expectRefusal<graph_connection_error>(
      [&] { Engine engine(layer.graph, layer.prog); },
      {"vertex 'graphtest::ScaleRows<float>' #0", "field 'in' edge 1",
       "(ONE_PTR, aligned to 8 bytes)", "tensor 'x' [5, 5] elements [5, 10)",
       "at byte 20 of its region", "tile 0", "not 8-byte aligned"});
}

GRAPH_TEST(refuses_an_edge_that_is_not_one_region_of_memory) {
  // A column of x (every 22nd element) is not a contiguous block.
  expectCompileRefusal<graph_connection_error>(
      onTile(0, [](Layer &l, VertexPlan &p) {
        p.in[0] = concat(l.x[0].slice(0, 3), l.x[1].slice(0, 3));
      }),
      {"vertex 'graphtest::ScaleRows<float>' #0", "field 'in' edge 0",
       "tensor 'x' [6]", "not consecutive elements of one variable"});
}

GRAPH_TEST(refuses_a_vertex_writing_a_constant) {
  expectCompileRefusal<graph_connection_error>(
      onTile(3, [](Layer &l, VertexPlan &p) {
        Tensor constant = l.graph.addConstant(FLOAT, {4}, 0.0, "zeros");
        l.graph.setTileMapping(constant, 3);
        p.out[0] = constant;
      }),
      {"vertex 'graphtest::ScaleRows<float>' #3", "field 'out' edge 0",
       "constant 'zeros'", "a constant"});
}

GRAPH_TEST(refuses_two_vertices_of_a_compute_set_writing_one_element) {
  twoVertices({0, 4, 0, 4}, {4, 8, 4, 8}, false, {});
  twoVertices({0, 4, 0, 4}, {4, 8, 2, 6}, true,
              {"compute set 'pair'", "vertex 'graphtest::ScaleRows<float>' #0",
               "field 'out' edge 0", "writes tensor 'y' [1, 8] elements [2, 4)",
               "vertex 'graphtest::ScaleRows<float>' #1", "also writes"});
}

GRAPH_TEST(refuses_a_vertex_reading_what_another_writes) {
  twoVertices({0, 4, 0, 4}, {4, 8, 4, 8, true}, false, {}); // reads what it writes
  twoVertices({0, 4, 0, 4}, {2, 6, 4, 8, true}, true,
              {"compute set 'pair'", "#0 (compute set 'pair', tile 0) field 'out'",
               "writes tensor 'y' [1, 8] elements [2, 4)", "#1", "field 'in' edge 0",
               "reads"});
}

GRAPH_TEST(refuses_a_tile_over_its_memory) {
  // The layer's tile 0 needs 704 bytes of variables and 64 of vertex state
  // (ExecuteTests' report test): 768 fit, 767 do not.
  const auto compile = [](unsigned bytesPerTile) {
    const Device device = smallDevice(4, bytesPerTile);
    Layer layer = buildLayer(device);
    Engine engine(layer.graph, layer.prog);
  };
  compile(768);
  expectRefusal<graph_memory_allocation_error>(
      [&] { compile(767); },
      {"tile 0 needs 768 bytes, more than the target's 767 bytes per tile",
       "variables 704 (the largest: 'input' 440, 'out' 120, 'x' 120)",
       "state of 1 vertices 64"});
}

GRAPH_TEST(refuses_at_connect_what_the_call_alone_shows) {
  const Device device = smallDevice(1);
  Graph graph = testGraph(device);
  Tensor f = graph.addVariable(FLOAT, {4}, "f");
  Tensor h = graph.addVariable(HALF, {4}, "h");
  ComputeSet cs = graph.addComputeSet("cs");
  VertexRef v = graph.addVertex(cs, "graphtest::ScaleRows<float>");
  expectRefusal<graph_connection_error>([&] { graph.connect(v["scale"], h); },
                                        {"field 'scale' holds float",
                                         "tensor 'h' [4] is half"});
  expectRefusal<unknown_field_name>([&] { graph.connect(v["sclae"], f); },
                                    {"no field 'sclae'", "in, scale, out"});
  expectRefusal<graph_connection_error>([&] { graph.connect(v["in"], f); },
                                        {"field 'in'", "vector of edges"});
  expectRefusal<graph_connection_error>([&] { graph.connect(v["numRows"], f); },
                                        {"field 'numRows' is not an edge"});
  expectRefusal<poplar_error>([&] { graph.setInitialValue(v["numRows"], -1); },
                              {"field 'numRows'", "-1 is not a unsigned int"});
  graph.connect(v["scale"], f);
  expectRefusal<graph_connection_error>([&] { graph.connect(v["scale"], f); },
                                        {"already connected"});
  expectRefusal<unknown_vertex_type>(
      [&] { graph.addVertex(cs, "graphtest::ScaleRows<double>"); },
      {"'graphtest::ScaleRows<double>'", "addCodelets"});
  expectRefusal<graph_object_load_error>([&] { graph.addCodelets("missing.gp"); },
                                         {"'missing.gp'"});
}

GRAPH_TEST(refuses_copies_that_write_an_element_twice_or_overlap) {
  const Device device = smallDevice(1);
  Graph graph = testGraph(device);
  Tensor a = graph.addVariable(FLOAT, {4}, "a");
  Tensor one = graph.addVariable(FLOAT, {1}, "one");
  Tensor c = graph.addConstant(FLOAT, {4}, 1.0, "c");
  for (const Tensor &t : {a, one, c})
    graph.setTileMapping(t, 0);
  Engine fine(graph, Sequence{Copy(a.slice(0, 2), a.slice(2, 4)), Copy(c, a),
                              Copy(one.broadcast(4, 0), a)});
  (void)fine;
  expectRefusal<graph_program_compilation_error>(
      [&] { Engine engine(graph, Copy(a, one.broadcast(4, 0), false, "spread")); },
      {"Copy 'spread'", "tensor 'one' [4]", "more than once"});
  expectRefusal<graph_program_compilation_error>(
      [&] { Engine engine(graph, Copy(a.slice(0, 3), a.slice(1, 4), false, "shift")); },
      {"Copy 'shift'", "overlap"});
  expectRefusal<graph_program_compilation_error>(
      [&] { Engine engine(graph, Copy(a, c, false, "into")); },
      {"Copy 'into'", "constant 'c'"});
}

} // namespace graphtest
