// Host implementation of Poplar's Tensor: a view of elements of the graph's
// variables and constants, with a shape and an element type. Slicing,
// indexing, reshaping, dimShuffle, broadcast and concat make new views of
// the same elements and copy no data; the elements live where the engine
// lays the variables out (per tile, see Engine.hpp).
#pragma once

#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <poplar/ArrayRef.hpp>
#include <poplar/Interval.hpp>
#include <poplar/Type.hpp>

namespace poplar {

class Tensor;
namespace executor {
struct TensorView;
// Host only: the tensor viewing `view` (the graph makes variables with it).
Tensor tensorOf(std::shared_ptr<const TensorView> view);
} // namespace executor

class Tensor {
public:
  Tensor();
  Tensor(const Tensor &other);
  Tensor(Tensor &&other) noexcept;
  Tensor &operator=(const Tensor &other) &;
  Tensor &operator=(Tensor &&other) &;
  ~Tensor();

  Type elementType() const;

  // The sub-tensor at index i of the first dimension (one rank fewer).
  Tensor operator[](std::size_t i) const &;
  Tensor &&operator[](std::size_t i) &&;
  // Indices [begin, end) of `dimension`.
  Tensor slice(std::size_t begin, std::size_t end, unsigned dimension = 0) const &;
  Tensor &&slice(std::size_t begin, std::size_t end, unsigned dimension = 0) &&;
  Tensor slice(const Interval &region, unsigned dimension = 0) const &;
  // A slice in every dimension: begin[d] .. end[d].
  Tensor slice(ArrayRef<std::size_t> begin, ArrayRef<std::size_t> end) const;
  std::vector<Tensor> slices(ArrayRef<Interval> intervals,
                             unsigned dimension = 0) const;
  // operator[] applied for each index in turn.
  Tensor index(ArrayRef<std::size_t> indices) const;

  Tensor flatten() const;
  // Dimensions [dimBegin, dimEnd) merged into one.
  Tensor flatten(unsigned dimBegin, unsigned dimEnd) const;
  Tensor reshape(ArrayRef<std::size_t> outShape) const;
  // Dimension i of the result is dimension permutation[i] of this tensor.
  Tensor dimShuffle(ArrayRef<unsigned> permutation) const;
  // Dimension dimIdx moved to position newIdx.
  Tensor dimRoll(unsigned dimIdx, unsigned newIdx = 0) const;
  Tensor transpose() const;
  // This tensor repeated N times along `dim` (as a concat of N copies).
  Tensor broadcast(unsigned N, unsigned dim) const;
  // The singleton dimensions `indices` removed.
  Tensor squeeze(ArrayRef<std::size_t> indices) const;
  // The same elements read as `type`, of the same size.
  Tensor reinterpret(const Type &type) const;

  std::size_t numElements() const;
  std::size_t dim(unsigned i) const;
  std::vector<std::size_t> shape() const;
  unsigned rank() const;
  bool valid() const;
  // Whether the elements are consecutive elements of one variable.
  bool isContiguous() const;
  std::string shapeToString() const;

  // Host only: the elements this tensor views.
  const executor::TensorView &view() const;

private:
  friend Tensor executor::tensorOf(std::shared_ptr<const executor::TensorView>);
  explicit Tensor(std::shared_ptr<const executor::TensorView> view);
  std::shared_ptr<const executor::TensorView> view_;
};

// Same shape, type and elements.
bool operator==(const Tensor &a, const Tensor &b);
inline bool operator!=(const Tensor &a, const Tensor &b) { return !(a == b); }
std::ostream &operator<<(std::ostream &os, const Tensor &tensor);

// The tensors joined along `dimension` (their other dimensions equal).
Tensor concat(ArrayRef<Tensor> ts, unsigned dimension = 0);
inline Tensor concat(const Tensor &first, const Tensor &second,
                     unsigned dimension = 0) {
  return concat({first, second}, dimension);
}

} // namespace poplar
