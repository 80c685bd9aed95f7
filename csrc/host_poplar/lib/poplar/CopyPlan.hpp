// What a Copy program and a host transfer move: the tensors' elements as
// spans of tile memory, paired into chunks of bytes (one memcpy each at run
// time). Compile checks: a destination is not a constant and views no
// element twice, and a copy's source and destination do not overlap (the
// order a real Poplar copies elements in is not documented).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "GraphState.hpp"
#include "MemoryLayout.hpp"

namespace poplar {
namespace executor {

struct Chunk {
  unsigned srcTile, dstTile;
  std::size_t srcOffset, dstOffset, bytes;
};

struct CopyPlan {
  std::vector<Chunk> chunks;
  std::size_t bytes = 0;
  std::size_t exchangeBytes = 0; // chunks from one tile to another
};

std::vector<Span> spansOf(const MemoryLayout &layout, const Tensor &t);

// Throws graph_program_compilation_error, naming `what`, if `t` views a
// constant or an element twice.
void checkWritable(const GraphState &graph, const MemoryLayout &layout,
                   const Tensor &t, const std::string &what);

CopyPlan planCopy(const GraphState &graph, const MemoryLayout &layout,
                  const Tensor &src, const Tensor &dst, const std::string &what);

} // namespace executor
} // namespace poplar
