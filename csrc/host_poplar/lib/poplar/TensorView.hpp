// What a Tensor views: its elements, in row-major order, as runs of elements
// of the graph's variables (element k of a run is variable element
// start + k * stride). A slice of a variable is one run; a broadcast repeats
// runs (or is one run of stride 0); a dimShuffle is runs of the variable's
// stride. Views never copy data; Tensor.cpp builds them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <poplar/Type.hpp>

namespace poplar {
namespace executor {

struct ElementRun {
  unsigned variable;
  std::size_t start;
  std::size_t count;
  std::int64_t stride; // 1 for a run of one element

  std::size_t element(std::size_t k) const {
    return static_cast<std::size_t>(static_cast<std::int64_t>(start) +
                                    static_cast<std::int64_t>(k) * stride);
  }
  bool consecutive() const { return count <= 1 || stride == 1; }
};

struct TensorView {
  Type type;
  std::vector<std::size_t> shape;
  std::vector<ElementRun> runs;
  std::vector<std::size_t> runEnds; // runEnds[r]: flat index after run r

  std::size_t numElements() const { return runEnds.empty() ? 0 : runEnds.back(); }
  // The variable and element at flat index i.
  ElementRun elementAt(std::size_t i) const;
  // f(run) for the parts of the runs that cover flat indices [begin, end).
  template <typename F>
  void forEachRun(std::size_t begin, std::size_t end, F &&f) const;
};

// Builds a view's runs, joining a run to the previous one where it continues
// it with the same stride.
class RunBuilder {
public:
  void append(ElementRun run);
  // The elements of `from` at flat indices [begin, end).
  void appendRange(const TensorView &from, std::size_t begin, std::size_t end);
  TensorView finish(const Type &type, std::vector<std::size_t> shape);

private:
  std::vector<ElementRun> runs_;
};

std::size_t product(const std::vector<std::size_t> &shape);
// "[2, 8]"
std::string shapeString(const std::vector<std::size_t> &shape);

// ------------------------------------------------------------ definitions

std::size_t firstRunAt(const TensorView &view, std::size_t flatIndex);

template <typename F>
void TensorView::forEachRun(std::size_t begin, std::size_t end, F &&f) const {
  for (std::size_t r = begin < end ? firstRunAt(*this, begin) : runs.size();
       r < runs.size() && begin < end; ++r) {
    const std::size_t runBegin = r == 0 ? 0 : runEnds[r - 1];
    const std::size_t from = begin - runBegin;
    const std::size_t count = std::min(runEnds[r], end) - begin;
    const ElementRun &run = runs[r];
    f(ElementRun{run.variable, run.element(from), count,
                 count == 1 ? 1 : run.stride});
    begin += count;
  }
}

} // namespace executor
} // namespace poplar
