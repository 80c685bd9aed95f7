// Host implementation of Poplar's Interval: the half-open range [begin, end)
// of element indices that tile mappings and slices are made of.
#pragma once

#include <cstddef>
#include <ostream>

namespace poplar {

class Interval {
public:
  Interval() = default;
  Interval(std::size_t begin, std::size_t end) : begin_(begin), end_(end) {}
  std::size_t begin() const { return begin_; }
  std::size_t end() const { return end_; }
  std::size_t size() const { return end_ - begin_; }

private:
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

inline bool operator==(const Interval &a, const Interval &b) {
  return a.begin() == b.begin() && a.end() == b.end();
}
inline bool operator!=(const Interval &a, const Interval &b) { return !(a == b); }
inline bool operator<(const Interval &a, const Interval &b) {
  return a.begin() != b.begin() ? a.begin() < b.begin() : a.end() < b.end();
}
inline std::ostream &operator<<(std::ostream &os, const Interval &i) {
  return os << '[' << i.begin() << ',' << i.end() << ')';
}

} // namespace poplar
