#include "ScaleLayer.hpp"

#include <numeric>

#include <poplar/executor/Report.hpp>
#include <poputil/VertexTemplates.hpp>

#include "TestGraphs.hpp"

using namespace poplar;
using namespace poplar::program;

namespace graphtest {

namespace {

std::size_t columns(const LayerOptions &options) {
  return std::accumulate(options.blocks.begin(), options.blocks.end(), std::size_t(0));
}

std::vector<float> inputValues(const LayerOptions &options) {
  return counting<float>(columns(options) * options.rows, 1.f); // [cols, rows]
}

std::vector<float> scaleValues(const LayerOptions &options) {
  std::vector<float> scale(options.sharedScale ? 1 : columns(options));
  for (std::size_t c = 0; c < scale.size(); ++c)
    scale[c] = 0.5f + 0.25f * float(c);
  return scale;
}

// Host values as the layer's element type.
template <typename T> std::vector<T> as(const std::vector<float> &values) {
  return std::vector<T>(values.begin(), values.end());
}

} // namespace

std::size_t Layer::begin(unsigned tile) const {
  return std::accumulate(options.blocks.begin(), options.blocks.begin() + tile,
                         std::size_t(0));
}
std::size_t Layer::end(unsigned tile) const {
  return begin(tile) + options.blocks[tile];
}

Layer buildLayer(const Device &device, const LayerOptions &options,
                 const Tweak &tweak) {
  Layer layer{options, testGraph(device), {}, {}, {}, {}, {}, columns(options)};
  Graph &graph = layer.graph;
  const Type type = options.type;
  layer.input = graph.addVariable(type, {layer.cols, options.rows}, "input");
  graph.setTileMapping(layer.input, 0);
  layer.x = graph.addVariable(type, {options.rows, layer.cols}, "x");
  layer.out = graph.addVariable(type, {options.rows, layer.cols}, "out");
  layer.scale = graph.addVariable(type, {options.sharedScale ? options.blocks.size()
                                                             : layer.cols},
                                  "scale");
  for (unsigned tile = 0; tile < options.blocks.size(); ++tile) {
    graph.setTileMapping(layer.x.slice(layer.begin(tile), layer.end(tile), 1), tile);
    graph.setTileMapping(layer.out.slice(layer.begin(tile), layer.end(tile), 1), tile);
    graph.setTileMapping(options.sharedScale
                             ? layer.scale.slice(tile, tile + 1)
                             : layer.scale.slice(layer.begin(tile), layer.end(tile)),
                         tile);
  }
  graph.createHostWrite("input", layer.input);
  graph.createHostWrite("scale", layer.scale);
  graph.createHostRead("out", layer.out);
  layer.prog.add(Copy(layer.input.transpose(), layer.x, false, "transpose"));

  ComputeSet cs = graph.addComputeSet("scale");
  const std::string vertex = poputil::templateVertex(options.vertex, type);
  for (unsigned tile = 0; tile < options.blocks.size(); ++tile) {
    VertexPlan plan{tile, {}, {}, {}, options.rows, options.blocks[tile]};
    for (unsigned r = 0; r < options.rows; ++r) {
      plan.in.push_back(layer.x[r].slice(layer.begin(tile), layer.end(tile)));
      plan.out.push_back(layer.out[r].slice(layer.begin(tile), layer.end(tile)));
    }
    plan.scale = options.sharedScale
                     ? layer.scale.slice(tile, tile + 1)
                     : layer.scale.slice(layer.begin(tile), layer.end(tile));
    if (tweak)
      tweak(layer, plan);
    VertexRef v = graph.addVertex(cs, vertex);
    graph.connect(v["in"], plan.in);
    graph.connect(v["out"], plan.out);
    if (plan.connectScale)
      graph.connect(v["scale"], plan.scale);
    graph.setInitialValue(v["numRows"], plan.numRows);
    if (plan.setNumCols)
      graph.setInitialValue(v["numCols"], plan.numCols);
    if (plan.mapVertex)
      graph.setTileMapping(v, plan.tile);
  }
  layer.prog.add(Execute(cs, "scale"));
  return layer;
}

std::vector<float> runLayer(Layer &layer, const Device &device, std::uint64_t seed) {
  Engine engine(layer.graph, layer.prog);
  executor::setVertexOrderSeed(engine, seed);
  engine.load(device);
  const std::size_t n = layer.cols * layer.options.rows;
  std::vector<float> scale = scaleValues(layer.options);
  if (layer.options.sharedScale) // one copy per tile
    scale.assign(layer.options.blocks.size(), scale[0]);
  if (layer.options.type == HALF) {
    write(engine, "input", as<half>(inputValues(layer.options)));
    write(engine, "scale", as<half>(scale));
    engine.run();
    const std::vector<half> out = read<half>(engine, "out", n);
    return std::vector<float>(out.begin(), out.end());
  }
  write(engine, "input", inputValues(layer.options));
  write(engine, "scale", scale);
  engine.run();
  return read<float>(engine, "out", n);
}

std::vector<float> expectedLayer(const LayerOptions &options) {
  const std::size_t cols = columns(options);
  const std::vector<float> input = inputValues(options), scale = scaleValues(options);
  std::vector<float> out(options.rows * cols);
  for (std::size_t r = 0; r < options.rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) {
      const float x = input[c * options.rows + r];
      const float s = scale[options.sharedScale ? 0 : c];
      out[r * cols + c] = options.type == HALF ? float(half(half(x) * half(s))) : x * s;
    }
  return out;
}

} // namespace graphtest
