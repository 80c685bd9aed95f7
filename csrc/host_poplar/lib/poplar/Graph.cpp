// Graph: variables, constants, tile mappings, host transfers, virtual graphs.
// Vertices and codelets are in GraphVertices.cpp.
#include <poplar/Graph.hpp>

#include <algorithm>

#include <poplar/exceptions.hpp>

#include "Describe.hpp"
#include "GraphState.hpp"
#include "TensorView.hpp"
#include "TypeInfo.hpp"
#include "ViewTiles.hpp"

namespace poplar {

using namespace executor;

Graph::Graph(const Target &target)
    : state_(std::make_shared<GraphState>()), target_(target) {
  state_->target = target;
}
Graph::Graph(const Device &device) : Graph(device.getTarget()) {}
Graph::Graph(std::shared_ptr<GraphState> state, unsigned firstTile,
             const Target &target)
    : state_(std::move(state)), firstTile_(firstTile), target_(target) {}
Graph::Graph(Graph &&) noexcept = default;
Graph &Graph::operator=(Graph &&) noexcept = default;
Graph::~Graph() = default;

unsigned Graph::absoluteTile(unsigned tile, const char *what) const {
  if (tile >= target_.getNumTiles())
    throw invalid_tile_mapping(std::string(what) + ": tile " +
                               std::to_string(tile) + " is not one of the graph's " +
                               std::to_string(target_.getNumTiles()) + " tiles");
  return firstTile_ + tile;
}

// ------------------------------------------------------------- tensors

Tensor Graph::addVariable(const Type &type, ArrayRef<std::size_t> shape,
                          const DebugContext &debugContext) {
  typeInfo(type); // refuses an invalid type
  VariableRecord var;
  var.type = type;
  var.shape = shape.cloneAsVector();
  var.numElements = product(var.shape);
  const unsigned id = static_cast<unsigned>(state_->variables.size());
  var.name = debugContext.getPathName();
  if (var.name.empty())
    var.name = "variable" + std::to_string(id);
  RunBuilder runs;
  runs.append(ElementRun{id, 0, var.numElements, 1});
  std::vector<std::size_t> viewShape = var.shape;
  state_->variables.push_back(std::move(var));
  return tensorOf(std::make_shared<const TensorView>(
      runs.finish(type, std::move(viewShape))));
}

Tensor Graph::addVariable(const Type &type, ArrayRef<std::size_t> shape,
                          VariableMappingMethod mappingMethod,
                          const DebugContext &debugContext) {
  Tensor t = addVariable(type, shape, debugContext);
  if (mappingMethod == VariableMappingMethod::LINEAR) {
    const std::size_t n = t.numElements(), tiles = target_.getNumTiles();
    const std::size_t perTile = (n + tiles - 1) / tiles;
    for (std::size_t begin = 0, tile = 0; begin < n; begin += perTile, ++tile)
      mapRange(*state_, t.view(), begin, std::min(n, begin + perTile),
               firstTile_ + static_cast<unsigned>(tile));
  }
  return t;
}

Tensor Graph::addConstantValues(const Type &type, ArrayRef<std::size_t> shape,
                                const std::vector<ScalarValue> &values,
                                const DebugContext &debugContext) {
  Tensor t = addVariable(type, shape, debugContext);
  VariableRecord &var = state_->variables.back();
  if (values.size() != 1 && values.size() != var.numElements)
    throw poplar_error("addConstant '" + var.name + "': " +
                       std::to_string(values.size()) + " values for " +
                       std::to_string(var.numElements) + " elements");
  const unsigned size = typeSize(type);
  var.constant = true;
  var.constantBytes.resize(var.numElements * size);
  for (std::size_t i = 0; i < var.numElements; ++i)
    storeScalar(values[values.size() == 1 ? 0 : i], type,
                var.constantBytes.data() + i * size, "addConstant '" + var.name + "'");
  return t;
}

Tensor Graph::clone(const Tensor &t, const DebugContext &debugContext) {
  return clone(t.elementType(), t, debugContext);
}

Tensor Graph::clone(const Type &type, const Tensor &t,
                    const DebugContext &debugContext) {
  Tensor copy = addVariable(type, t.shape(), debugContext);
  forEachTile(*state_, t.view(), [&](std::size_t b, std::size_t e, unsigned tile) {
    if (tile != TileIntervals::kUnmapped)
      mapRange(*state_, copy.view(), b, e, tile);
  });
  return copy;
}

// ------------------------------------------------------------- mapping

void Graph::setTileMapping(VertexRef v, unsigned tileNum) {
  if (v.graph() != state_.get() || v.getId() >= state_->vertices.size())
    throw poplar_error("setTileMapping: the vertex is not one of this graph's");
  state_->vertices[v.getId()].tile = absoluteTile(tileNum, "setTileMapping (vertex)");
}

void Graph::setTileMapping(const Tensor &t, unsigned tileNum) {
  mapRange(*state_, t.view(), 0, t.numElements(),
           absoluteTile(tileNum, "setTileMapping"));
}

void Graph::setTileMapping(const Tensor &t, const TileToTensorMapping &mapping) {
  for (unsigned tile = 0; tile < mapping.size(); ++tile) {
    for (const Interval &interval : mapping[tile]) {
      if (interval.end() > t.numElements() || interval.begin() > interval.end())
        throw index_error("setTileMapping: interval [" +
                          std::to_string(interval.begin()) + ", " +
                          std::to_string(interval.end()) + ") of a tensor of " +
                          std::to_string(t.numElements()) + " elements");
      if (interval.size() > 0)
        mapRange(*state_, t.view(), interval.begin(), interval.end(),
                 absoluteTile(tile, "setTileMapping"));
    }
  }
}

Graph::TileToTensorMapping Graph::getTileMapping(Tensor t,
                                                 bool requireComplete) const {
  TileToTensorMapping result(target_.getNumTiles());
  const unsigned last = firstTile_ + target_.getNumTiles();
  forEachTile(*state_, t.view(), [&](std::size_t b, std::size_t e, unsigned tile) {
    if (tile == TileIntervals::kUnmapped || tile < firstTile_ || tile >= last) {
      if (requireComplete)
        throw invalid_tile_mapping(
            "getTileMapping: element " + std::to_string(b) + " of " +
            describeTensor(*state_, t) +
            (tile == TileIntervals::kUnmapped ? " has no tile"
                                              : " is on a tile outside this graph"));
      return;
    }
    std::vector<Interval> &intervals = result[tile - firstTile_];
    if (!intervals.empty() && intervals.back().end() == b)
      intervals.back() = Interval(intervals.back().begin(), e);
    else
      intervals.emplace_back(b, e);
  });
  return result;
}

// ------------------------------------------------------ host transfers

namespace {

void addTransfer(GraphState &state, StringRef handle, const Tensor &t,
                 bool toDevice) {
  for (const HostTransfer &transfer : state.transfers)
    if (transfer.handle == std::string(handle))
      throw poplar_error("the host transfer handle '" + std::string(handle) +
                         "' is already used");
  t.view(); // refuses an invalid tensor
  state.transfers.push_back(HostTransfer{handle, t, toDevice});
}

} // namespace

void Graph::createHostWrite(StringRef handle, const Tensor &t, bool) {
  addTransfer(*state_, handle, t, true);
}

void Graph::createHostRead(StringRef handle, const Tensor &t, bool) {
  addTransfer(*state_, handle, t, false);
}

Graph Graph::createVirtualGraph(unsigned lowerTile, unsigned upperTile) {
  if (lowerTile >= upperTile || upperTile > target_.getNumTiles())
    throw invalid_tile_mapping("createVirtualGraph: tiles [" +
                               std::to_string(lowerTile) + ", " +
                               std::to_string(upperTile) + ") of a graph of " +
                               std::to_string(target_.getNumTiles()) + " tiles");
  Target target = target_;
  target.numIPUs_ = 1;
  target.tilesPerIPU_ = upperTile - lowerTile;
  return Graph(state_, firstTile_ + lowerTile, target);
}

} // namespace poplar
