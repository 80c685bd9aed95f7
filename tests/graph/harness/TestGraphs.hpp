// Helpers the graph tests share: small IPU models, a graph with the test
// codelets, and host transfers of std::vectors.
#pragma once

#include <numeric>
#include <string>
#include <vector>

#include <poplar/Engine.hpp>
#include <poplar/Graph.hpp>
#include <poplar/IPUModel.hpp>

#include "../codelets/TestVertices.hpp"

namespace graphtest {

// An IPU of `tiles` tiles (6 workers each) and `bytesPerTile` of memory.
inline poplar::Device smallDevice(unsigned tiles, unsigned bytesPerTile = 64 * 1024) {
  poplar::IPUModel model("ipu2");
  model.tilesPerIPU = tiles;
  model.memoryBytesPerTile = bytesPerTile;
  return model.createDevice();
}

// A graph for `device` with the test codelets added.
inline poplar::Graph testGraph(const poplar::Device &device) {
  registerTestCodelets();
  poplar::Graph graph(device.getTarget());
  graph.addCodelets(kTestCodelets);
  return graph;
}

// A variable on one tile.
inline poplar::Tensor variableOn(poplar::Graph &graph, const poplar::Type &type,
                                 std::vector<std::size_t> shape,
                                 const std::string &name, unsigned tile = 0) {
  poplar::Tensor t = graph.addVariable(type, shape, name);
  graph.setTileMapping(t, tile);
  return t;
}

// A vertex on one tile with its 1-D fields connected.
inline poplar::VertexRef
vertexOn(poplar::Graph &graph, poplar::ComputeSet cs, const std::string &type,
         unsigned tile,
         std::initializer_list<std::pair<const char *, poplar::Tensor>> edges) {
  poplar::VertexRef v = graph.addVertex(cs, type);
  for (const auto &edge : edges)
    graph.connect(v[edge.first], edge.second);
  graph.setTileMapping(v, tile);
  return v;
}

template <typename T> std::vector<T> counting(std::size_t n, T first = T(0)) {
  std::vector<T> values(n);
  for (std::size_t i = 0; i < n; ++i)
    values[i] = T(first + T(i));
  return values;
}

template <typename T>
void write(poplar::Engine &engine, const std::string &handle,
           const std::vector<T> &values) {
  engine.writeTensor(handle, values.data(), values.data() + values.size());
}

template <typename T>
std::vector<T> read(poplar::Engine &engine, const std::string &handle,
                    std::size_t n) {
  std::vector<T> values(n);
  engine.readTensor(handle, values.data(), values.data() + n);
  return values;
}

} // namespace graphtest
