// A variable's tile mapping: which tile each of its elements is on, kept as
// intervals of element indices (a [T, N] tensor mapped by columns is T
// intervals per tile, not T * N entries). Assigning an interval replaces
// what was there; neighbouring intervals on one tile are joined.
#pragma once

#include <cstddef>
#include <iterator>
#include <map>

namespace poplar {
namespace executor {

class TileIntervals {
public:
  static constexpr unsigned kUnmapped = ~0u;

  void assign(std::size_t begin, std::size_t end, unsigned tile);
  unsigned tileOf(std::size_t element) const;
  // f(begin, end, tile) for [begin, end) in order, cut where the tile
  // changes; kUnmapped for elements with no tile.
  template <typename F>
  void forEach(std::size_t begin, std::size_t end, F &&f) const;

private:
  struct Piece {
    std::size_t end;
    unsigned tile;
  };
  std::map<std::size_t, Piece> pieces_; // by first element
};

template <typename F>
void TileIntervals::forEach(std::size_t begin, std::size_t end, F &&f) const {
  auto it = pieces_.upper_bound(begin);
  if (it != pieces_.begin() && std::prev(it)->second.end > begin)
    --it;
  while (begin < end) {
    if (it == pieces_.end() || it->first >= end) {
      f(begin, end, kUnmapped);
      return;
    }
    if (it->first > begin) {
      f(begin, it->first, kUnmapped);
      begin = it->first;
    }
    const std::size_t stop = it->second.end < end ? it->second.end : end;
    f(begin, stop, it->second.tile);
    begin = stop;
    ++it;
  }
}

} // namespace executor
} // namespace poplar
