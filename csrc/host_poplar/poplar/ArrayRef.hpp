// Host implementation of Poplar's ArrayRef: a read-only view of a contiguous
// sequence (a std::vector, a std::array, a C array or a braced list) that the
// graph API takes for shapes, tensor lists and values. A braced list lives
// until the end of the full expression, so an ArrayRef parameter may view it.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <vector>

namespace poplar {

template <class T> class ArrayRef {
public:
  ArrayRef() = default;
  ArrayRef(const T *p, std::size_t size) : data_(p), size_(size) {}
  ArrayRef(const std::vector<T> &v) : data_(v.data()), size_(v.size()) {}
  template <std::size_t N>
  ArrayRef(const std::array<T, N> &a) : data_(a.data()), size_(N) {}
  template <std::size_t N> ArrayRef(const T (&a)[N]) : data_(a), size_(N) {}
// The list outlives the call an ArrayRef parameter is viewed in; GCC warns
// because it cannot know that the view is not kept.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winit-list-lifetime"
#endif
  ArrayRef(std::initializer_list<T> list)
      : data_(list.begin()), size_(list.size()) {}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

  const T *begin() const { return data_; }
  const T *end() const { return data_ + size_; }
  const T *data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T &operator[](std::size_t i) const { return data_[i]; }
  const T &front() const { return data_[0]; }
  const T &back() const { return data_[size_ - 1]; }
  std::vector<T> cloneAsVector() const { return std::vector<T>(begin(), end()); }
  operator std::vector<T>() const { return cloneAsVector(); }

private:
  const T *data_ = nullptr;
  std::size_t size_ = 0;
};

} // namespace poplar
