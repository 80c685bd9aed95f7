#include "TileMemory.hpp"

#include <algorithm>

#include <poplar/exceptions.hpp>

#include "Describe.hpp"
#include "TypeInfo.hpp"

namespace poplar {
namespace executor {

namespace {

constexpr std::size_t kPointerBytes = 4;

std::size_t roundUp4(std::size_t bytes) { return (bytes + 3) / 4 * 4; }

// The variables with the most bytes on `tile`, for the message.
std::string largestOn(const GraphState &graph, const MemoryLayout &layout,
                      unsigned tile) {
  std::vector<std::pair<std::size_t, unsigned>> bytes;
  for (unsigned v = 0; v < graph.variables.size(); ++v) {
    std::size_t total = 0;
    for (const Region &r : layout.regions(v))
      if (r.tile == tile)
        total += (r.end - r.begin) * layout.elementSize(v);
    if (total)
      bytes.emplace_back(total, v);
  }
  std::sort(bytes.rbegin(), bytes.rend());
  std::string s;
  for (std::size_t i = 0; i < bytes.size() && i < 3; ++i)
    s += std::string(i ? ", " : "") + "'" + graph.variables[bytes[i].second].name +
         "' " + std::to_string(bytes[i].first);
  return s;
}

} // namespace

std::size_t vertexStateBytes(const BoundVertex &vertex) {
  std::size_t bytes = 0;
  for (std::size_t f = 0; f < vertex.fields.size(); ++f) {
    const FieldInfo &info = vertex.type->fields[f];
    const std::size_t edgeBytes = info.edgeHasSize ? 2 * kPointerBytes : kPointerBytes;
    switch (info.kind) {
    case FieldKind::Scalar: bytes += roundUp4(typeSize(info.type)); break;
    case FieldKind::Edge: bytes += edgeBytes; break;
    case FieldKind::EdgeList:
      bytes += kPointerBytes + (info.listHasSize ? kPointerBytes : 0) +
               vertex.fields[f].size() * edgeBytes;
      break;
    }
  }
  return bytes;
}

std::vector<TileUsage> checkTileMemory(const GraphState &graph,
                                       const MemoryLayout &layout,
                                       const std::vector<BoundVertex> &vertices) {
  const unsigned numTiles = graph.target.getNumTiles();
  std::vector<TileUsage> tiles(numTiles);
  for (unsigned t = 0; t < numTiles; ++t) {
    tiles[t].tile = t;
    tiles[t].variableBytes = layout.tileBytes()[t];
  }
  for (const BoundVertex &vertex : vertices) {
    TileUsage &usage = tiles[graph.vertices[vertex.id].tile];
    usage.vertexBytes += vertexStateBytes(vertex);
    ++usage.vertices;
  }
  const std::size_t limit = graph.target.getBytesPerTile();
  for (const TileUsage &usage : tiles)
    if (usage.total() > limit)
      throw graph_memory_allocation_error(
          "tile " + std::to_string(usage.tile) + " needs " +
          std::to_string(usage.total()) + " bytes, more than the target's " +
          std::to_string(limit) + " bytes per tile: variables " +
          std::to_string(usage.variableBytes) + " (the largest: " +
          largestOn(graph, layout, usage.tile) + "), state of " +
          std::to_string(usage.vertices) + " vertices " +
          std::to_string(usage.vertexBytes));
  return tiles;
}

} // namespace executor
} // namespace poplar
