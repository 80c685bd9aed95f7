#include "TensorView.hpp"

#include <algorithm>
#include <sstream>

namespace poplar {
namespace executor {

std::size_t product(const std::vector<std::size_t> &shape) {
  std::size_t n = 1;
  for (std::size_t d : shape)
    n *= d;
  return n;
}

std::string shapeString(const std::vector<std::size_t> &shape) {
  std::ostringstream out;
  out << '[';
  for (std::size_t d = 0; d < shape.size(); ++d)
    out << (d ? ", " : "") << shape[d];
  out << ']';
  return out.str();
}

std::size_t firstRunAt(const TensorView &view, std::size_t flatIndex) {
  return static_cast<std::size_t>(
      std::upper_bound(view.runEnds.begin(), view.runEnds.end(), flatIndex) -
      view.runEnds.begin());
}

ElementRun TensorView::elementAt(std::size_t i) const {
  const std::size_t r = firstRunAt(*this, i);
  const std::size_t runBegin = r == 0 ? 0 : runEnds[r - 1];
  return ElementRun{runs[r].variable, runs[r].element(i - runBegin), 1, 1};
}

void RunBuilder::append(ElementRun run) {
  if (run.count == 0)
    return;
  if (run.count == 1)
    run.stride = 1;
  if (!runs_.empty() && runs_.back().variable == run.variable) {
    ElementRun &last = runs_.back();
    const std::int64_t step =
        last.count == 1 ? static_cast<std::int64_t>(run.start) -
                              static_cast<std::int64_t>(last.start)
                        : last.stride;
    const bool continues =
        static_cast<std::int64_t>(last.element(last.count - 1)) + step ==
        static_cast<std::int64_t>(run.start);
    if (continues && (run.count == 1 || run.stride == step)) {
      last.stride = step;
      last.count += run.count;
      return;
    }
  }
  runs_.push_back(run);
}

void RunBuilder::appendRange(const TensorView &from, std::size_t begin,
                             std::size_t end) {
  from.forEachRun(begin, end, [&](const ElementRun &run) { append(run); });
}

TensorView RunBuilder::finish(const Type &type, std::vector<std::size_t> shape) {
  TensorView view;
  view.type = type;
  view.shape = std::move(shape);
  view.runs = std::move(runs_);
  view.runEnds.reserve(view.runs.size());
  std::size_t end = 0;
  for (const ElementRun &run : view.runs)
    view.runEnds.push_back(end += run.count);
  runs_.clear();
  return view;
}

} // namespace executor
} // namespace poplar
