#include "TileIntervals.hpp"

namespace poplar {
namespace executor {

void TileIntervals::assign(std::size_t begin, std::size_t end, unsigned tile) {
  if (begin >= end)
    return;
  // A piece that starts before `begin` and reaches into it keeps its head
  // (and its tail, past `end`, if it covers the whole interval).
  auto it = pieces_.lower_bound(begin);
  if (it != pieces_.begin()) {
    auto before = std::prev(it);
    if (before->second.end > begin) {
      const Piece whole = before->second;
      before->second.end = begin;
      if (whole.end > end)
        pieces_.emplace(end, Piece{whole.end, whole.tile});
    }
  }
  // Pieces that start inside the interval go, but for a tail past `end`.
  it = pieces_.lower_bound(begin);
  while (it != pieces_.end() && it->first < end) {
    if (it->second.end > end)
      pieces_.emplace(end, Piece{it->second.end, it->second.tile});
    it = pieces_.erase(it);
  }
  auto placed = pieces_.emplace(begin, Piece{end, tile}).first;
  auto after = std::next(placed);
  if (after != pieces_.end() && after->first == end && after->second.tile == tile) {
    placed->second.end = after->second.end;
    pieces_.erase(after);
  }
  if (placed != pieces_.begin()) {
    auto before = std::prev(placed);
    if (before->second.end == begin && before->second.tile == tile) {
      before->second.end = placed->second.end;
      pieces_.erase(placed);
    }
  }
}

unsigned TileIntervals::tileOf(std::size_t element) const {
  auto it = pieces_.upper_bound(element);
  if (it == pieces_.begin())
    return kUnmapped;
  --it;
  return element < it->second.end ? it->second.tile : kUnmapped;
}

} // namespace executor
} // namespace poplar
