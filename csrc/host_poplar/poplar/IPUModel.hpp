// Host implementation of Poplar's IPUModel: an IPU described field by field
// (tiles, worker contexts, memory per tile), whose createDevice() gives a
// Device with that target. Constructed for "ipu1", "ipu2" (GC200: 1472 tiles,
// 6 workers, 624 KiB per tile) or "ipu21" (Bow: the GC200's tiles); tests
// shrink tilesPerIPU and memoryBytesPerTile to make small targets.
#pragma once

#include <limits>
#include <string>

#include <poplar/Device.hpp>
#include <poplar/OptionFlags.hpp>

namespace poplar {

struct IPUModel {
  explicit IPUModel(const char *IPUVersion = "ipu2");

  Device createDevice(OptionFlags opts = {}, bool accurateHalf = false,
                      unsigned deviceManagerId =
                          std::numeric_limits<unsigned>::max()) const;

  std::string IPUVersion;
  unsigned numIPUs = 1;
  unsigned tilesPerIPU = 0;
  unsigned numWorkerContexts = 0;
  unsigned memoryBytesPerTile = 0;
};

} // namespace poplar
