// Host implementation of Poplar's Engine: compiles a graph and its programs,
// is loaded on a device, runs programs and moves data in and out through the
// handles of Graph::createHostWrite / createHostRead.
//
// Compiling refuses what a real Poplar would refuse (poplar/exceptions.hpp):
// unmapped elements or vertices, a field left unconnected or with another
// number of edges than the vertex reads, an edge on another tile than its
// vertex, not one region of memory, misaligned or shorter than the vertex
// reads, two vertices of a compute set writing one element (or one reading
// what another writes), a tile over its memory. Then the variables are laid
// out tile by tile in host memory (filled with 0xFF bytes: NaN for floats,
// so a read of an element never written shows), constants written, and the
// vertices connected to their edges.
//
// Running: a Copy moves bytes between the tiles' memory; an Execute runs
// every vertex of its compute set, one at a time in a shuffled order (and a
// MultiVertex's compute(workerId) for every worker, in a shuffled order),
// through the bounds-checked vertex shim: an access out of an edge throws
// poplar_error naming the vertex, field, index, size and tile.
#pragma once

#include <memory>
#include <string>

#include <poplar/ArrayRef.hpp>
#include <poplar/Device.hpp>
#include <poplar/Graph.hpp>
#include <poplar/OptionFlags.hpp>
#include <poplar/Program.hpp>
#include <poplar/StringRef.hpp>
#include <poplar/executor/Report.hpp>

namespace poplar {

namespace executor {
class CompiledGraph;
} // namespace executor

class Engine {
public:
  Engine(const Graph &graph, ArrayRef<program::Program> progs,
         const OptionFlags &options = {});
  Engine(const Graph &graph, const program::Program &prog,
         const OptionFlags &options = {});
  Engine(Engine &&) noexcept;
  Engine &operator=(Engine &&) noexcept;
  ~Engine();

  // The device must have the graph's target.
  void load(const Device &device);
  void run(unsigned prog = 0, const std::string &debugName = "");
  // Exactly the tensor's bytes, in its element order.
  void writeTensor(StringRef handle, const void *buf, const void *bufEnd);
  void readTensor(StringRef handle, void *buf, void *bufEnd);

private:
  friend executor::GraphReport executor::report(const Engine &);
  friend void executor::setVertexOrderSeed(Engine &, std::uint64_t);
  void requireLoaded(const char *what) const;

  std::unique_ptr<executor::CompiledGraph> compiled_;
  bool loaded_ = false;
};

} // namespace poplar
