#include <poplar/Tensor.hpp>

#include <numeric>

#include <poplar/exceptions.hpp>

#include "TensorView.hpp"
#include "TypeInfo.hpp"

namespace poplar {

namespace executor {

Tensor tensorOf(std::shared_ptr<const TensorView> view) {
  return Tensor(std::move(view));
}

} // namespace executor

using executor::ElementRun;
using executor::shapeString;
using executor::RunBuilder;
using executor::TensorView;

namespace {

Tensor make(TensorView view) {
  return executor::tensorOf(std::make_shared<const TensorView>(std::move(view)));
}

// The view as `outer` blocks of `block` elements: block o is flat indices
// [o * block, (o + 1) * block), the part of the tensor that dimension `dim`
// and the ones after it span.
struct Blocks {
  std::size_t outer;
  std::size_t block;
  std::size_t inner; // elements per index of `dim`
};

Blocks blocksAt(const TensorView &view, unsigned dim) {
  const auto &s = view.shape;
  const std::size_t outer = std::accumulate(s.begin(), s.begin() + dim,
                                            std::size_t(1), std::multiplies<>());
  const std::size_t inner = std::accumulate(s.begin() + dim + 1, s.end(),
                                            std::size_t(1), std::multiplies<>());
  return {outer, s[dim] * inner, inner};
}

void checkDim(const TensorView &view, unsigned dim, const char *operation) {
  if (dim >= view.shape.size())
    throw index_error(std::string(operation) + ": dimension " +
                      std::to_string(dim) + " of a tensor of shape " +
                      shapeString(view.shape));
}

} // namespace

Tensor::Tensor() = default;
Tensor::Tensor(const Tensor &other) = default;
Tensor::Tensor(Tensor &&other) noexcept = default;
Tensor &Tensor::operator=(const Tensor &other) & = default;
Tensor &Tensor::operator=(Tensor &&other) & = default;
Tensor::~Tensor() = default;
Tensor::Tensor(std::shared_ptr<const TensorView> view) : view_(std::move(view)) {}

const TensorView &Tensor::view() const {
  if (!view_)
    throw poplar_error("an invalid (default-constructed) poplar::Tensor was used");
  return *view_;
}

Type Tensor::elementType() const { return view().type; }
std::size_t Tensor::numElements() const { return view().numElements(); }
std::vector<std::size_t> Tensor::shape() const { return view().shape; }
unsigned Tensor::rank() const { return static_cast<unsigned>(view().shape.size()); }
bool Tensor::valid() const { return view_ != nullptr; }
std::string Tensor::shapeToString() const { return shapeString(view().shape); }

std::size_t Tensor::dim(unsigned i) const {
  checkDim(view(), i, "dim");
  return view().shape[i];
}

bool Tensor::isContiguous() const {
  const TensorView &v = view();
  return v.runs.size() <= 1 && (v.runs.empty() || v.runs[0].consecutive());
}

Tensor Tensor::slice(std::size_t begin, std::size_t end, unsigned dimension) const & {
  const TensorView &v = view();
  checkDim(v, dimension, "slice");
  if (begin > end || end > v.shape[dimension])
    throw index_error("slice [" + std::to_string(begin) + ", " +
                      std::to_string(end) + ") of dimension " +
                      std::to_string(dimension) + " of a tensor of shape " +
                      shapeString(v.shape));
  const Blocks b = blocksAt(v, dimension);
  RunBuilder runs;
  for (std::size_t o = 0; o < b.outer; ++o)
    runs.appendRange(v, o * b.block + begin * b.inner, o * b.block + end * b.inner);
  std::vector<std::size_t> shape = v.shape;
  shape[dimension] = end - begin;
  return make(runs.finish(v.type, std::move(shape)));
}

Tensor &&Tensor::slice(std::size_t begin, std::size_t end, unsigned dimension) && {
  *this = static_cast<const Tensor &>(*this).slice(begin, end, dimension);
  return std::move(*this);
}

Tensor Tensor::slice(const Interval &region, unsigned dimension) const & {
  return slice(region.begin(), region.end(), dimension);
}

Tensor Tensor::slice(ArrayRef<std::size_t> begin, ArrayRef<std::size_t> end) const {
  if (begin.size() != rank() || end.size() != rank())
    throw index_error("slice: " + std::to_string(begin.size()) + " begins and " +
                      std::to_string(end.size()) + " ends for a tensor of shape " +
                      shapeToString());
  Tensor t = *this;
  for (unsigned d = 0; d < begin.size(); ++d)
    t = t.slice(begin[d], end[d], d);
  return t;
}

std::vector<Tensor> Tensor::slices(ArrayRef<Interval> intervals,
                                   unsigned dimension) const {
  std::vector<Tensor> result;
  for (const Interval &interval : intervals)
    result.push_back(slice(interval, dimension));
  return result;
}

Tensor Tensor::operator[](std::size_t i) const & {
  const TensorView &v = view();
  if (v.shape.empty())
    throw index_error("operator[]: a tensor of rank 0 has no index");
  Tensor row = slice(i, i + 1, 0);
  std::vector<std::size_t> shape(v.shape.begin() + 1, v.shape.end());
  return row.reshape(shape);
}

Tensor &&Tensor::operator[](std::size_t i) && {
  *this = static_cast<const Tensor &>(*this)[i];
  return std::move(*this);
}

Tensor Tensor::index(ArrayRef<std::size_t> indices) const {
  Tensor t = *this;
  for (std::size_t i : indices)
    t = t[i];
  return t;
}

Tensor Tensor::reshape(ArrayRef<std::size_t> outShape) const {
  const TensorView &v = view();
  std::vector<std::size_t> shape = outShape.cloneAsVector();
  if (executor::product(shape) != v.numElements())
    throw poplar_error("reshape: a tensor of shape " + shapeString(v.shape) +
                       " cannot become " + shapeString(shape));
  TensorView result = v;
  result.shape = std::move(shape);
  return make(std::move(result));
}

Tensor Tensor::flatten() const { return reshape({numElements()}); }

Tensor Tensor::flatten(unsigned dimBegin, unsigned dimEnd) const {
  const TensorView &v = view();
  if (dimBegin >= dimEnd || dimEnd > v.shape.size())
    throw index_error("flatten: dimensions [" + std::to_string(dimBegin) + ", " +
                      std::to_string(dimEnd) + ") of a tensor of shape " +
                      shapeString(v.shape));
  std::vector<std::size_t> shape(v.shape.begin(), v.shape.begin() + dimBegin);
  shape.push_back(std::accumulate(v.shape.begin() + dimBegin,
                                  v.shape.begin() + dimEnd, std::size_t(1),
                                  std::multiplies<>()));
  shape.insert(shape.end(), v.shape.begin() + dimEnd, v.shape.end());
  return reshape(shape);
}

Tensor Tensor::dimShuffle(ArrayRef<unsigned> permutation) const {
  const TensorView &v = view();
  const std::size_t rank = v.shape.size();
  std::vector<bool> seen(rank, false);
  bool valid = permutation.size() == rank;
  for (unsigned p : permutation) {
    valid = valid && p < rank && !seen[p];
    if (p < rank)
      seen[p] = true;
  }
  if (!valid)
    throw poplar_error("dimShuffle: not a permutation of the " +
                       std::to_string(rank) + " dimensions of a tensor of shape " +
                       shapeString(v.shape));
  // Row-major strides of this tensor, and the shape and strides of the result.
  std::vector<std::size_t> stride(rank, 1), shape(rank), outStride(rank);
  for (std::size_t d = rank; d-- > 1;)
    stride[d - 1] = stride[d] * v.shape[d];
  for (std::size_t d = 0; d < rank; ++d) {
    shape[d] = v.shape[permutation[d]];
    outStride[d] = stride[permutation[d]];
  }
  RunBuilder runs;
  std::vector<std::size_t> index(rank, 0);
  const std::size_t n = v.numElements();
  std::size_t from = 0; // this tensor's flat index of the result's `index`
  for (std::size_t i = 0; i < n; ++i) {
    runs.append(v.elementAt(from));
    for (std::size_t d = rank; d-- > 0;) {
      from += outStride[d];
      if (++index[d] < shape[d])
        break;
      from -= outStride[d] * shape[d];
      index[d] = 0;
    }
  }
  return make(runs.finish(v.type, std::move(shape)));
}

Tensor Tensor::dimRoll(unsigned dimIdx, unsigned newIdx) const {
  const unsigned r = rank();
  if (dimIdx >= r || newIdx >= r)
    throw index_error("dimRoll: dimension " + std::to_string(dimIdx) + " to " +
                      std::to_string(newIdx) + " of a tensor of shape " +
                      shapeToString());
  std::vector<unsigned> order;
  for (unsigned d = 0; d < r; ++d)
    if (d != dimIdx)
      order.push_back(d);
  order.insert(order.begin() + newIdx, dimIdx);
  return dimShuffle(order);
}

Tensor Tensor::transpose() const {
  if (rank() != 2)
    throw poplar_error("transpose: a tensor of shape " + shapeToString() +
                       " is not 2-D");
  return dimShuffle({1, 0});
}

Tensor Tensor::broadcast(unsigned N, unsigned dim) const {
  const TensorView &v = view();
  checkDim(v, dim, "broadcast");
  const Blocks b = blocksAt(v, dim);
  RunBuilder runs;
  for (std::size_t o = 0; o < b.outer; ++o)
    for (unsigned n = 0; n < N; ++n)
      runs.appendRange(v, o * b.block, (o + 1) * b.block);
  std::vector<std::size_t> shape = v.shape;
  shape[dim] *= N;
  return make(runs.finish(v.type, std::move(shape)));
}

Tensor Tensor::squeeze(ArrayRef<std::size_t> indices) const {
  const TensorView &v = view();
  std::vector<bool> drop(v.shape.size(), false);
  for (std::size_t d : indices) {
    checkDim(v, static_cast<unsigned>(d), "squeeze");
    if (v.shape[d] != 1)
      throw poplar_error("squeeze: dimension " + std::to_string(d) +
                         " of a tensor of shape " + shapeString(v.shape) +
                         " is not 1");
    drop[d] = true;
  }
  std::vector<std::size_t> shape;
  for (std::size_t d = 0; d < v.shape.size(); ++d)
    if (!drop[d])
      shape.push_back(v.shape[d]);
  return reshape(shape);
}

Tensor Tensor::reinterpret(const Type &type) const {
  const TensorView &v = view();
  if (executor::typeSize(type) != executor::typeSize(v.type))
    throw poplar_error("reinterpret: " + v.type.toString() + " as " +
                       type.toString() + ", of another size");
  TensorView result = v;
  result.type = type;
  return make(std::move(result));
}

bool operator==(const Tensor &a, const Tensor &b) {
  if (!a.valid() || !b.valid())
    return a.valid() == b.valid();
  const TensorView &x = a.view(), &y = b.view();
  if (x.type != y.type || x.shape != y.shape)
    return false;
  for (std::size_t i = 0; i < x.numElements(); ++i) {
    const ElementRun p = x.elementAt(i), q = y.elementAt(i);
    if (p.variable != q.variable || p.start != q.start)
      return false;
  }
  return true;
}

std::ostream &operator<<(std::ostream &os, const Tensor &tensor) {
  if (!tensor.valid())
    return os << "Tensor(invalid)";
  return os << "Tensor(" << tensor.elementType() << ", " << tensor.shapeToString()
            << ")";
}

Tensor concat(ArrayRef<Tensor> ts, unsigned dimension) {
  if (ts.empty())
    throw poplar_error("concat: no tensors");
  const TensorView &first = ts[0].view();
  checkDim(first, dimension, "concat");
  std::vector<std::size_t> shape = first.shape;
  shape[dimension] = 0;
  for (const Tensor &t : ts) {
    const TensorView &v = t.view();
    std::vector<std::size_t> other = v.shape;
    if (other.size() == shape.size())
      other[dimension] = 0;
    if (v.type != first.type || other != shape)
      throw poplar_error("concat: a tensor of " + v.type.toString() + " " +
                         shapeString(v.shape) + " does not join one of " +
                         first.type.toString() + " " + shapeString(first.shape) +
                         " along dimension " + std::to_string(dimension));
  }
  const std::size_t outer = blocksAt(first, dimension).outer;
  RunBuilder runs;
  for (std::size_t o = 0; o < outer; ++o)
    for (const Tensor &t : ts) {
      const std::size_t block = blocksAt(t.view(), dimension).block;
      runs.appendRange(t.view(), o * block, (o + 1) * block);
    }
  for (const Tensor &t : ts)
    shape[dimension] += t.view().shape[dimension];
  return make(runs.finish(first.type, std::move(shape)));
}

} // namespace poplar
