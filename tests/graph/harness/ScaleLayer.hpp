// A little layer laid out as the LIF layers are: x and out are [rows, cols]
// tensors whose columns are split into blocks, block k on tile k; one
// graphtest::ScaleRows vertex per tile connects its block of every row (a
// 2-D field of `rows` edges) and of the per-column scale. The input arrives
// on tile 0 as [cols, rows] and is copied into x through a transpose (an
// exchange). A Tweak may change what a vertex is connected to, for the
// refusal tests.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <poplar/Engine.hpp>
#include <poplar/Graph.hpp>
#include <poplar/Program.hpp>

namespace graphtest {

struct LayerOptions {
  poplar::Type type = poplar::FLOAT;
  unsigned rows = 5;
  std::vector<unsigned> blocks = {6, 6, 6, 4}; // columns per tile
  bool sharedScale = false;                    // one scale for all columns
  std::string vertex = "graphtest::ScaleRows";
};

// What the vertex of one tile is given; a Tweak may change any of it.
struct VertexPlan {
  unsigned tile;
  std::vector<poplar::Tensor> in, out;
  poplar::Tensor scale;
  unsigned numRows, numCols;
  bool connectScale = true;
  bool setNumCols = true;
  bool mapVertex = true;
};

struct Layer {
  LayerOptions options;
  poplar::Graph graph;
  poplar::program::Sequence prog;
  poplar::Tensor input, x, scale, out;
  std::size_t cols = 0;
  std::size_t begin(unsigned tile) const;
  std::size_t end(unsigned tile) const;
};

using Tweak = std::function<void(Layer &, VertexPlan &)>;

Layer buildLayer(const poplar::Device &device, const LayerOptions &options = {},
                 const Tweak &tweak = {});

// Runs the layer with inputs counting up from 1 (scales from 0.5 in steps
// of 0.25), with the vertex order seeded by `seed`; returns out as floats.
std::vector<float> runLayer(Layer &layer, const poplar::Device &device,
                            std::uint64_t seed = 0);

// The same computed plainly on the host.
std::vector<float> expectedLayer(const LayerOptions &options);

} // namespace graphtest
