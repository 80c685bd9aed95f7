// An Engine's compiled graph: the checks, the tiles' memory, the bound
// vertices, the programs as steps, the host transfers, and the report.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <poplar/Program.hpp>
#include <poplar/executor/FieldIndexError.hpp>
#include <poplar/executor/Report.hpp>

#include "BoundVertex.hpp"
#include "CopyPlan.hpp"
#include "GraphState.hpp"
#include "ProgramNode.hpp"

namespace poplar {
namespace executor {

class CompiledGraph {
public:
  // Keeps `graph` to name the tensors of an edge a vertex reads out of.
  CompiledGraph(std::shared_ptr<const GraphState> graph,
                ArrayRef<program::Program> programs);

  const Target &target() const { return target_; }
  const GraphReport &report() const { return report_; }
  void setSeed(std::uint64_t seed) { random_.seed(seed); }

  void run(unsigned program);
  void write(const std::string &handle, const void *begin, const void *end);
  void read(const std::string &handle, void *begin, void *end);

private:
  struct Step {
    ProgramNode::Kind kind;
    std::vector<Step> children; // Sequence, Repeat
    unsigned computeSet = 0;    // Execute
    std::vector<Chunk> chunks;  // Copy
    unsigned count = 0;         // Repeat
  };
  struct Transfer {
    std::vector<Span> spans;
    std::size_t bytes = 0;
    bool toDevice = false;
  };

  Step compile(const GraphState &graph, const MemoryLayout &layout,
               const ProgramNode &node);
  void allocate(const GraphState &graph, const MemoryLayout &layout);
  void makeReport(const GraphState &graph, const std::vector<TileUsage> &tiles);
  void runStep(const Step &step);
  void execute(unsigned computeSet);
  const Transfer &transfer(const std::string &handle, bool toDevice,
                           std::size_t bytes) const;

  std::string describeEdge(unsigned vertex, const FieldIndexError &error) const;

  std::shared_ptr<const GraphState> graph_; // for its variables' names
  Target target_;
  std::vector<std::unique_ptr<std::uint64_t[]>> memory_; // per tile
  std::vector<unsigned char *> tileMemory_;
  std::vector<BoundVertex> vertices_;
  std::vector<std::string> vertexNames_; // as compiled, for run-time errors
  std::vector<std::vector<unsigned>> computeSets_;
  std::vector<Step> programs_;
  std::map<std::string, Transfer> transfers_;
  GraphReport report_;
  std::mt19937_64 random_{0};
};

} // namespace executor
} // namespace poplar
