// Host only (not Poplar): what an Engine compiled, for the numbers a Poplar
// user reads in a profile: tiles used, vertices, edges, compute sets (and
// their estimated cycles, where every vertex type has an estimator), the
// copies and the bytes they exchange between tiles, and each tile's memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace poplar {

class Engine;

namespace executor {

struct TileUsage {
  unsigned tile = 0;
  std::size_t variableBytes = 0; // regions, with alignment padding
  std::size_t vertexBytes = 0;   // the estimate of TileMemory.hpp
  std::size_t vertices = 0;
  std::size_t total() const { return variableBytes + vertexBytes; }
};

struct ComputeSetReport {
  std::string name;
  std::size_t vertices = 0;
  std::size_t edges = 0;
  unsigned tiles = 0;
  // The most cycles the vertices of one tile are estimated to take (their
  // sum, an upper bound), if every vertex type has an estimator.
  std::optional<std::uint64_t> cycles;
};

struct CopyReport {
  std::string name;
  std::size_t bytes = 0;
  std::size_t exchangeBytes = 0; // from one tile to another
};

struct GraphReport {
  unsigned numTiles = 0;
  std::size_t bytesPerTile = 0;
  unsigned tilesUsed = 0; // tiles holding variables or vertices
  std::size_t variables = 0;
  std::size_t vertices = 0;
  std::size_t edges = 0;
  std::vector<ComputeSetReport> computeSets; // every compute set of the graph
  std::vector<CopyReport> copies; // each Copy in the programs, counted once
  std::vector<TileUsage> tiles;   // the tiles used
  TileUsage largestTile;          // the tile with the most bytes

  std::size_t exchangeBytes() const {
    std::size_t bytes = 0;
    for (const CopyReport &copy : copies)
      bytes += copy.exchangeBytes;
    return bytes;
  }
};

GraphReport report(const Engine &engine);

// The order of an Execute's vertices (and of each vertex's workers) is
// shuffled with a generator seeded with this (default 0), drawn afresh
// for every Execute run.
void setVertexOrderSeed(Engine &engine, std::uint64_t seed);

} // namespace executor
} // namespace poplar
