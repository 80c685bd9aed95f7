// Host implementation of Poplar's Target: the tiles, worker contexts and
// memory per tile a graph is built for. Made from an IPU system name
// ("ipu2": a GC200, "ipu21": a Bow, "ipu1": a GC2) or from an IPUModel.
#pragma once

#include <cstddef>
#include <string>

#include <poplar/OptionFlags.hpp>
#include <poplar/StringRef.hpp>
#include <poplar/Type.hpp>

namespace poplar {

struct IPUModel;

class Target {
public:
  Target() = default;

  // A target of `numIPUs` IPUs of `systemType` ("ipu1", "ipu2", "ipu21").
  static Target createIPUTarget(unsigned numIPUs, StringRef systemType,
                                const OptionFlags &opts = {});

  unsigned getNumIPUs() const { return numIPUs_; }
  unsigned getTilesPerIPU() const { return tilesPerIPU_; }
  unsigned getNumTiles() const { return numIPUs_ * tilesPerIPU_; }
  unsigned getNumWorkerContexts() const { return workerContexts_; }
  unsigned getBytesPerTile() const { return bytesPerTile_; }
  std::size_t getMemoryBytes() const {
    return std::size_t(getNumTiles()) * bytesPerTile_;
  }
  // The IPU's data path: 64 bits, so 2 floats or 4 halves per vector.
  unsigned getDataPathWidth() const { return 64; }
  unsigned getVectorWidth(const Type &type) const;
  unsigned getTypeSize(const Type &type) const;
  unsigned getAtomicStoreGranularity() const { return 4; }
  std::string getTargetArchString() const { return arch_; }

private:
  friend struct IPUModel;
  friend class Graph;
  unsigned numIPUs_ = 0;
  unsigned tilesPerIPU_ = 0;
  unsigned workerContexts_ = 0;
  unsigned bytesPerTile_ = 0;
  std::string arch_;
};

} // namespace poplar
