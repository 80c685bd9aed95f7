// Host only: libsnn_ipu_graph.so's C interface (GraphBackend.h). Each call
// builds the graph of one layer as a Poplar program would: the inputs arrive
// from the host into tensors spread linearly over the tiles (as a producer's
// layout would be, so the graph functions' copies into the plan's layout are
// real exchanges), the graph function adds the layer, the outputs go back to
// the host; then the executor compiles (refusing what Poplar would refuse)
// and runs it.
#include "ops/graph/host/GraphBackend.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <poplar/Engine.hpp>
#include <poplar/Graph.hpp>
#include <poplar/IPUModel.hpp>
#include <poplar/Program.hpp>
#include <poplar/executor/Report.hpp>
#include <popops/codelets.hpp>

#include "ops/graph/NeuronGraph.hpp"
#include "ops/graph/host/NeuronCodelets.hpp"

namespace snn_ipu {
namespace popsnn {
namespace host {

namespace {

using poplar::Tensor;

// What poputil::mapTensorLinearly does, near enough: the flattened tensor in
// equal contiguous pieces over the tiles, at least kMinElements a piece.
constexpr std::size_t kMinElements = 64;

void mapLinearly(poplar::Graph &graph, const Tensor &t) {
  const Tensor flat = t.flatten();
  const std::size_t n = flat.numElements(), tiles = graph.getTarget().getNumTiles();
  const std::size_t piece = std::max(kMinElements, (n + tiles - 1) / tiles);
  for (std::size_t begin = 0, tile = 0; begin < n; begin += piece, ++tile)
    graph.setTileMapping(flat.slice(begin, std::min(n, begin + piece)), tile);
}

// A call's graph and the host transfers it needs, run by run().
class LayerGraph {
public:
  explicit LayerGraph(const SnnGraphLayer &layer)
      : layer_(layer), device_(device(layer)), graph_(device_.getTarget()) {
    popops::addCodelets(graph_); // neuronBackward's popops::reduce
    addNeuronCodelets(graph_);
  }

  poplar::Graph &graph() { return graph_; }
  poplar::program::Sequence &prog() { return prog_; }
  poplar::Type elementType() const { return layer_.half ? poplar::HALF : poplar::FLOAT; }
  std::size_t elementBytes() const { return layer_.half ? 2 : 4; }
  std::uint64_t n() const { return layer_.numNeurons; }

  // A tensor written from `data` (zeros when null), laid out linearly.
  Tensor input(const poplar::Type &type, std::vector<std::size_t> shape,
               const void *data, std::size_t elementBytes) {
    const std::string handle = "in" + std::to_string(writes_.size());
    Tensor t = graph_.addVariable(type, shape, handle);
    mapLinearly(graph_, t);
    graph_.createHostWrite(handle, t);
    const std::size_t bytes = t.numElements() * elementBytes;
    writes_.push_back({handle, data, bytes});
    return t;
  }
  Tensor rows(std::uint64_t count, const void *data) {
    return input(elementType(), {count, n()}, data, elementBytes());
  }
  Tensor neurons(const float *data, std::uint64_t count) {
    return input(poplar::FLOAT, {count}, data, 4);
  }
  std::optional<Tensor> optionalRows(const void *data) {
    return data ? std::optional<Tensor>(rows(layer_.numSteps, data)) : std::nullopt;
  }
  std::optional<Tensor> optionalNeurons(const float *data) {
    return data ? std::optional<Tensor>(neurons(data, n())) : std::nullopt;
  }

  NeuronInputs inputs() {
    const ModelShape shape = modelShape(layer_.model);
    NeuronInputs in;
    in.current = rows(layer_.currentRows, layer_.current);
    for (unsigned k = 0; k < shape.states; ++k)
      in.stateInit.push_back(neurons(layer_.stateInit[k], n()));
    for (unsigned i = 0; i < shape.params; ++i)
      in.params.push_back(neurons(layer_.params[i], layer_.paramSizes[i]));
    return in;
  }

  void output(const Tensor &t, void *data, std::size_t elementBytes) {
    const std::string handle = "out" + std::to_string(reads_.size());
    graph_.createHostRead(handle, t);
    reads_.push_back({handle, data, t.numElements() * elementBytes});
  }

  void run(SnnGraphReport *report) {
    poplar::Engine engine(graph_, prog_);
    poplar::executor::setVertexOrderSeed(engine, layer_.seed);
    engine.load(device_);
    std::vector<std::vector<char>> zeros;
    for (const Transfer &w : writes_) {
      const char *data = static_cast<const char *>(w.data);
      if (data == nullptr) { // an initial state of zeros
        zeros.emplace_back(w.bytes, 0);
        data = zeros.back().data();
      }
      engine.writeTensor(w.handle, data, data + w.bytes);
    }
    engine.run();
    for (const Transfer &r : reads_) {
      char *data = static_cast<char *>(const_cast<void *>(r.data));
      engine.readTensor(r.handle, data, data + r.bytes);
    }
    if (report != nullptr)
      fill(*report, poplar::executor::report(engine));
  }

private:
  struct Transfer {
    std::string handle;
    const void *data;
    std::size_t bytes;
  };

  static poplar::Device device(const SnnGraphLayer &layer) {
    poplar::IPUModel model("ipu2");
    if (layer.numTiles != 0)
      model.tilesPerIPU = layer.numTiles;
    if (layer.bytesPerTile != 0)
      model.memoryBytesPerTile = static_cast<unsigned>(layer.bytesPerTile);
    return model.createDevice();
  }

  void fill(SnnGraphReport &out, const poplar::executor::GraphReport &r) const {
    out.numTiles = r.numTiles;
    out.bytesPerTile = r.bytesPerTile;
    out.tilesUsed = r.tilesUsed;
    out.variables = r.variables;
    out.vertices = r.vertices;
    out.edges = r.edges;
    out.computeSets = r.computeSets.size();
    out.copies = r.copies.size();
    out.copyBytes = 0;
    for (const auto &copy : r.copies)
      out.copyBytes += copy.bytes;
    out.exchangeBytes = r.exchangeBytes();
    out.largestTile = r.largestTile.tile;
    out.largestTileBytes = r.largestTile.total();
    const LifPlan plan =
        neuronPlan(graph_.getTarget(), layer_.model, layer_.numSteps, n(), elementType());
    out.planTiles = plan.tilesUsed;
    out.planNeuronsPerTile = plan.neuronsPerTile;
    out.planChunkNeurons = plan.chunkNeurons;
    out.planForwardBytesPerTile = plan.forwardBytesPerTile;
    out.planBackwardBytesPerTile = plan.backwardBytesPerTile;
  }

  const SnnGraphLayer &layer_;
  poplar::Device device_;
  poplar::Graph graph_;
  poplar::program::Sequence prog_;
  std::vector<Transfer> writes_, reads_;
};

NeuronOptions optionsOf(const SnnGraphLayer &layer) {
  NeuronOptions o;
  o.model = layer.model;
  o.resetMode = layer.resetMode;
  o.resetDelay = layer.resetDelay != 0;
  o.recordStates = layer.recordStates != 0;
  o.surrogate = layer.surrogate;
  o.surrogateA = layer.surrogateA;
  o.surrogateB = layer.surrogateB;
  return o;
}

void forward(const SnnGraphLayer &layer, SnnGraphReport *report) {
  LayerGraph g(layer);
  const NeuronForwardOutputs out =
      neuronForward(g.graph(), g.inputs(), layer.numSteps, optionsOf(layer), g.prog(),
                    "layer");
  g.output(out.spikes, layer.spikes, g.elementBytes());
  for (std::size_t r = 0; r < out.records.size(); ++r)
    g.output(out.records[r], layer.records[r], g.elementBytes());
  for (std::size_t k = 0; k < out.stateFinal.size(); ++k)
    g.output(out.stateFinal[k], layer.stateFinal[k], 4);
  g.run(report);
}

void backward(const SnnGraphLayer &layer, SnnGraphReport *report) {
  LayerGraph g(layer);
  const ModelShape shape = modelShape(layer.model);
  const NeuronInputs inputs = g.inputs();
  NeuronUpstream upstream;
  upstream.spikes = g.optionalRows(layer.gradSpikes);
  for (unsigned r = 0; r < shape.recorded; ++r)
    upstream.records.push_back(g.optionalRows(layer.gradRecords[r]));
  for (unsigned k = 0; k < shape.states; ++k)
    upstream.stateFinal.push_back(g.optionalNeurons(layer.gradStateFinal[k]));
  const NeuronBackwardOutputs out =
      neuronBackward(g.graph(), inputs, upstream, layer.numSteps, optionsOf(layer),
                     g.prog(), "layer");
  g.output(out.current, layer.gradCurrent, g.elementBytes());
  for (unsigned k = 0; k < shape.states; ++k)
    g.output(out.stateInit[k], layer.gradStateInit[k], 4);
  for (unsigned i = 0; i < shape.params; ++i) {
    g.output(out.params[i], layer.gradParams[i], 4);
    g.output(out.paramPartials[i], layer.gradParamPartials[i], 4);
  }
  g.run(report);
}

int guarded(const std::function<void()> &call, char *error, std::size_t errorSize) {
  try {
    call();
    return 0;
  } catch (const std::exception &e) {
    if (error != nullptr && errorSize != 0) {
      std::strncpy(error, e.what(), errorSize - 1);
      error[errorSize - 1] = '\0';
    }
    return 1;
  }
}

} // namespace

} // namespace host
} // namespace popsnn
} // namespace snn_ipu

extern "C" int snn_graph_forward(const SnnGraphLayer *layer, SnnGraphReport *report,
                                 char *error, size_t errorSize) {
  return snn_ipu::popsnn::host::guarded(
      [&] { snn_ipu::popsnn::host::forward(*layer, report); }, error, errorSize);
}

extern "C" int snn_graph_backward(const SnnGraphLayer *layer, SnnGraphReport *report,
                                  char *error, size_t errorSize) {
  return snn_ipu::popsnn::host::guarded(
      [&] { snn_ipu::popsnn::host::backward(*layer, report); }, error, errorSize);
}
