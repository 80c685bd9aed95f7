#include "CompiledGraph.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>
#include <set>

#include <poplar/exceptions.hpp>

#include "CheckMapping.hpp"
#include "Describe.hpp"
#include "TileMemory.hpp"
#include "WriteConflicts.hpp"

namespace poplar {
namespace executor {

namespace {

// The host shim runs a MultiVertex's numWorkers() workers, a constant; a
// target with another number of worker contexts would divide work otherwise.
void checkWorkers(const GraphState &graph) {
  const unsigned workers = graph.target.getNumWorkerContexts();
  for (const auto &codelet : graph.codelets)
    if (codelet.second->numWorkers > 1 && codelet.second->numWorkers != workers)
      throw poplar_error("vertex type '" + codelet.first + "' runs " +
                         std::to_string(codelet.second->numWorkers) +
                         " workers (the host shim's MultiVertex::numWorkers()), "
                         "but the target has " + std::to_string(workers) +
                         " worker contexts");
}

void checkFromGraph(const GraphState &graph, const Tensor &t, const std::string &what) {
  for (const ElementRun &run : t.view().runs)
    if (run.variable >= graph.variables.size())
      throw poplar_error(what + ": a tensor that is not one of this graph's");
}

std::optional<std::uint64_t> estimateCycles(const GraphState &graph,
                                            const ComputeSetRecord &cs) {
  std::map<unsigned, std::uint64_t> perTile;
  for (unsigned id : cs.vertices) {
    const VertexRecord &vertex = graph.vertices[id];
    const auto estimator = graph.estimators.find(vertex.type->name);
    if (estimator == graph.estimators.end())
      return std::nullopt;
    perTile[vertex.tile] +=
        estimator->second(VertexIntrospector(vertex), graph.target).cycles;
  }
  std::uint64_t most = 0;
  for (const auto &tile : perTile)
    most = std::max(most, tile.second);
  return most;
}

} // namespace

CompiledGraph::CompiledGraph(std::shared_ptr<const GraphState> shared,
                             ArrayRef<program::Program> programs)
    : graph_(std::move(shared)), target_(graph_->target) {
  const GraphState &graph = *graph_;
  checkMapped(graph);
  checkWorkers(graph);
  const MemoryLayout layout(graph);
  for (unsigned v = 0; v < graph.vertices.size(); ++v)
    vertices_.push_back(bindVertex(graph, layout, v));
  checkWriteConflicts(graph, vertices_);
  const std::vector<TileUsage> tiles = checkTileMemory(graph, layout, vertices_);
  for (const program::Program &p : programs)
    programs_.push_back(compile(graph, layout, p.node()));
  for (const HostTransfer &t : graph.transfers) {
    const std::string what = "host transfer '" + t.handle + "'";
    checkFromGraph(graph, t.tensor, what);
    if (t.toDevice)
      checkWritable(graph, layout, t.tensor, what);
    Transfer &transfer = transfers_[t.handle];
    transfer.spans = spansOf(layout, t.tensor);
    transfer.toDevice = t.toDevice;
    for (const Span &span : transfer.spans)
      transfer.bytes += span.bytes;
  }
  allocate(graph, layout);
  for (BoundVertex &vertex : vertices_) {
    connectVertex(vertex, tileMemory_);
    vertexNames_.push_back(describeVertex(graph, vertex.id));
  }
  for (const ComputeSetRecord &cs : graph.computeSets)
    computeSets_.push_back(cs.vertices);
  makeReport(graph, tiles);
}

CompiledGraph::Step CompiledGraph::compile(const GraphState &graph,
                                           const MemoryLayout &layout,
                                           const ProgramNode &node) {
  Step step;
  step.kind = node.kind;
  step.count = node.count;
  for (const auto &child : node.children)
    step.children.push_back(compile(graph, layout, *child));
  if (node.kind == ProgramNode::Kind::Execute) {
    if (node.computeSet >= graph.computeSets.size())
      throw poplar_error("Execute '" + node.name + "': compute set " +
                         std::to_string(node.computeSet) +
                         " is not one of this graph's");
    step.computeSet = node.computeSet;
  }
  if (node.kind == ProgramNode::Kind::Copy) {
    const std::string name =
        node.name.empty() ? "copy" + std::to_string(report_.copies.size()) : node.name;
    const std::string what = "Copy '" + name + "'";
    checkFromGraph(graph, node.src, what);
    checkFromGraph(graph, node.dst, what);
    CopyPlan plan = planCopy(graph, layout, node.src, node.dst, what);
    report_.copies.push_back(CopyReport{name, plan.bytes, plan.exchangeBytes});
    step.chunks = std::move(plan.chunks);
  }
  return step;
}

void CompiledGraph::allocate(const GraphState &graph, const MemoryLayout &layout) {
  const std::vector<std::size_t> &bytes = layout.tileBytes();
  memory_.resize(bytes.size());
  tileMemory_.assign(bytes.size(), nullptr);
  for (std::size_t t = 0; t < bytes.size(); ++t) {
    if (bytes[t] == 0)
      continue;
    const std::size_t words = (bytes[t] + 7) / 8;
    memory_[t] = std::make_unique<std::uint64_t[]>(words);
    tileMemory_[t] = reinterpret_cast<unsigned char *>(memory_[t].get());
    std::memset(tileMemory_[t], 0xFF, words * 8);
  }
  for (unsigned v = 0; v < graph.variables.size(); ++v) {
    const VariableRecord &var = graph.variables[v];
    if (!var.constant)
      continue;
    const unsigned size = layout.elementSize(v);
    for (const Region &r : layout.regions(v))
      std::memcpy(tileMemory_[r.tile] + r.offset,
                  var.constantBytes.data() + r.begin * size, (r.end - r.begin) * size);
  }
}

void CompiledGraph::makeReport(const GraphState &graph,
                               const std::vector<TileUsage> &tiles) {
  report_.numTiles = graph.target.getNumTiles();
  report_.bytesPerTile = graph.target.getBytesPerTile();
  report_.variables = graph.variables.size();
  report_.vertices = vertices_.size();
  for (const TileUsage &usage : tiles) {
    if (usage.total() == 0 && usage.vertices == 0)
      continue;
    report_.tiles.push_back(usage);
    if (usage.total() > report_.largestTile.total())
      report_.largestTile = usage;
  }
  report_.tilesUsed = static_cast<unsigned>(report_.tiles.size());
  for (const ComputeSetRecord &cs : graph.computeSets) {
    ComputeSetReport r;
    r.name = cs.name;
    r.vertices = cs.vertices.size();
    std::set<unsigned> tilesOfSet;
    for (unsigned id : cs.vertices) {
      tilesOfSet.insert(graph.vertices[id].tile);
      for (const auto &field : vertices_[id].fields)
        r.edges += field.size();
    }
    r.tiles = static_cast<unsigned>(tilesOfSet.size());
    r.cycles = estimateCycles(graph, cs);
    report_.edges += r.edges;
    report_.computeSets.push_back(std::move(r));
  }
}

void CompiledGraph::run(unsigned program) {
  if (program >= programs_.size())
    throw index_error("run: program " + std::to_string(program) + " of " +
                      std::to_string(programs_.size()));
  runStep(programs_[program]);
}

void CompiledGraph::runStep(const Step &step) {
  switch (step.kind) {
  case ProgramNode::Kind::Sequence:
    for (const Step &child : step.children)
      runStep(child);
    break;
  case ProgramNode::Kind::Repeat:
    for (unsigned i = 0; i < step.count; ++i)
      runStep(step.children.at(0));
    break;
  case ProgramNode::Kind::Execute:
    execute(step.computeSet);
    break;
  case ProgramNode::Kind::Copy:
    for (const Chunk &c : step.chunks)
      std::memcpy(tileMemory_[c.dstTile] + c.dstOffset,
                  tileMemory_[c.srcTile] + c.srcOffset, c.bytes);
    break;
  case ProgramNode::Kind::Nothing:
    break;
  }
}

void CompiledGraph::execute(unsigned computeSet) {
  std::vector<unsigned> order = computeSets_[computeSet];
  std::shuffle(order.begin(), order.end(), random_);
  for (unsigned id : order) {
    BoundVertex &vertex = vertices_[id];
    std::vector<unsigned> workers(vertex.type->numWorkers);
    std::iota(workers.begin(), workers.end(), 0u);
    std::shuffle(workers.begin(), workers.end(), random_);
    for (unsigned worker : workers) {
      try {
        vertex.object->compute(worker);
      } catch (const FieldIndexError &e) {
        throw poplar_error(vertexNames_[id] + " worker " + std::to_string(worker) +
                           ": " + e.what() + describeEdge(id, e));
      } catch (const std::exception &e) {
        throw poplar_error(vertexNames_[id] + " worker " + std::to_string(worker) +
                           ": " + e.what());
      }
    }
  }
}

std::string CompiledGraph::describeEdge(unsigned id, const FieldIndexError &e) const {
  const BoundVertex &vertex = vertices_[id];
  const std::size_t f = e.field ? vertex.type->fieldIndex(e.field) : vertex.fields.size();
  if (f == vertex.fields.size())
    return "";
  const std::vector<BoundEdge> &edges = vertex.fields[f];
  const std::size_t row = e.row == FieldIndexError::kNoRow ? 0 : e.row;
  if (e.row == FieldIndexError::kNoRow &&
      vertex.type->fields[f].kind == FieldKind::EdgeList)
    return " (the field has " + std::to_string(edges.size()) + " edges)";
  if (row >= edges.size() || edges[row].count == 0)
    return " (the edge is empty)";
  const BoundEdge &edge = edges[row];
  return " (the edge is " +
         describeElements(*graph_, edge.variable, edge.begin, edge.begin + edge.count) +
         ")";
}

const CompiledGraph::Transfer &CompiledGraph::transfer(const std::string &handle,
                                                       bool toDevice,
                                                       std::size_t bytes) const {
  const auto found = transfers_.find(handle);
  if (found == transfers_.end() || found->second.toDevice != toDevice)
    throw runtime_error(std::string(toDevice ? "writeTensor" : "readTensor") +
                        ": no " + (toDevice ? "createHostWrite" : "createHostRead") +
                        " handle '" + handle + "'");
  if (bytes != found->second.bytes)
    throw runtime_error(std::string(toDevice ? "writeTensor" : "readTensor") +
                        " '" + handle + "': a buffer of " + std::to_string(bytes) +
                        " bytes for a tensor of " +
                        std::to_string(found->second.bytes));
  return found->second;
}

void CompiledGraph::write(const std::string &handle, const void *begin,
                          const void *end) {
  const auto *from = static_cast<const unsigned char *>(begin);
  const Transfer &t = transfer(
      handle, true, static_cast<std::size_t>(static_cast<const unsigned char *>(end) - from));
  for (const Span &span : t.spans) {
    std::memcpy(tileMemory_[span.tile] + span.offset, from, span.bytes);
    from += span.bytes;
  }
}

void CompiledGraph::read(const std::string &handle, void *begin, void *end) {
  auto *to = static_cast<unsigned char *>(begin);
  const Transfer &t = transfer(
      handle, false, static_cast<std::size_t>(static_cast<unsigned char *>(end) - to));
  for (const Span &span : t.spans) {
    std::memcpy(to, tileMemory_[span.tile] + span.offset, span.bytes);
    to += span.bytes;
  }
}

} // namespace executor
} // namespace poplar
