#include "CopyPlan.hpp"

#include <algorithm>

#include <poplar/exceptions.hpp>

#include "Describe.hpp"

namespace poplar {
namespace executor {

namespace {

bool before(const Span &a, const Span &b) {
  return a.tile != b.tile ? a.tile < b.tile : a.offset < b.offset;
}

std::vector<Span> sorted(std::vector<Span> spans) {
  std::sort(spans.begin(), spans.end(), before);
  return spans;
}

bool overlap(const Span &a, const Span &b) {
  return a.tile == b.tile && a.offset < b.offset + b.bytes &&
         b.offset < a.offset + a.bytes;
}

// Whether two spans of a list sorted by address overlap.
bool repeats(const std::vector<Span> &spans) {
  for (std::size_t i = 1; i < spans.size(); ++i)
    if (overlap(spans[i - 1], spans[i]))
      return true;
  return false;
}

// Whether a span of one sorted list overlaps a span of the other.
bool intersect(const std::vector<Span> &a, const std::vector<Span> &b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (overlap(a[i], b[j]))
      return true;
    const bool aEndsFirst =
        a[i].tile != b[j].tile ? a[i].tile < b[j].tile
                               : a[i].offset + a[i].bytes < b[j].offset + b[j].bytes;
    aEndsFirst ? ++i : ++j;
  }
  return false;
}

} // namespace

std::vector<Span> spansOf(const MemoryLayout &layout, const Tensor &t) {
  std::vector<Span> spans;
  layout.forEachSpan(t.view(), [&](const Span &s) {
    if (!spans.empty() && spans.back().tile == s.tile &&
        spans.back().offset + spans.back().bytes == s.offset)
      spans.back().bytes += s.bytes;
    else
      spans.push_back(s);
  });
  return spans;
}

void checkWritable(const GraphState &graph, const MemoryLayout &layout,
                   const Tensor &t, const std::string &what) {
  for (const ElementRun &run : t.view().runs)
    if (graph.variables[run.variable].constant)
      throw graph_program_compilation_error(
          what + " writes " + describeElements(graph, run.variable, run.start,
                                               run.start + 1) +
          ", a constant");
  if (repeats(sorted(spansOf(layout, t))))
    throw graph_program_compilation_error(
        what + " writes " + describeTensor(graph, t) +
        ", which views some elements more than once (a broadcast?)");
}

CopyPlan planCopy(const GraphState &graph, const MemoryLayout &layout,
                  const Tensor &src, const Tensor &dst, const std::string &what) {
  checkWritable(graph, layout, dst, what);
  const std::vector<Span> from = spansOf(layout, src), to = spansOf(layout, dst);
  if (intersect(sorted(from), sorted(to)))
    throw graph_program_compilation_error(
        what + ": the source " + describeTensor(graph, src) +
        " and the destination " + describeTensor(graph, dst) + " overlap");
  CopyPlan plan;
  std::size_t i = 0, j = 0, usedFrom = 0, usedTo = 0;
  while (i < from.size() && j < to.size()) {
    const std::size_t bytes =
        std::min(from[i].bytes - usedFrom, to[j].bytes - usedTo);
    const Chunk chunk{from[i].tile, to[j].tile, from[i].offset + usedFrom,
                      to[j].offset + usedTo, bytes};
    plan.bytes += bytes;
    if (chunk.srcTile != chunk.dstTile)
      plan.exchangeBytes += bytes;
    plan.chunks.push_back(chunk);
    if ((usedFrom += bytes) == from[i].bytes)
      ++i, usedFrom = 0;
    if ((usedTo += bytes) == to[j].bytes)
      ++j, usedTo = 0;
  }
  return plan;
}

} // namespace executor
} // namespace poplar
