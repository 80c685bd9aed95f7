// Target, Device and IPUModel: the IPU systems the host knows by name.
#include <poplar/Device.hpp>
#include <poplar/IPUModel.hpp>
#include <poplar/Target.hpp>

#include <poplar/exceptions.hpp>

#include "TypeInfo.hpp"

namespace poplar {

namespace {

struct SystemFigures {
  const char *name;
  unsigned tilesPerIPU;
  unsigned workerContexts;
  unsigned bytesPerTile;
};

// From Graphcore's published IPU specifications (GC2; GC200; Bow, whose
// tiles are the GC200's).
constexpr SystemFigures kSystems[] = {
    {"ipu1", 1216, 6, 256 * 1024},
    {"ipu2", 1472, 6, 624 * 1024},
    {"ipu21", 1472, 6, 624 * 1024},
};

const SystemFigures &systemFigures(const std::string &name) {
  for (const SystemFigures &system : kSystems)
    if (name == system.name)
      return system;
  throw poplar_error("unknown IPU system type '" + name +
                     "' (the host knows ipu1, ipu2 and ipu21)");
}

} // namespace

Target Target::createIPUTarget(unsigned numIPUs, StringRef systemType,
                               const OptionFlags &) {
  IPUModel model(std::string(systemType).c_str());
  model.numIPUs = numIPUs;
  return model.createDevice().getTarget();
}

unsigned Target::getTypeSize(const Type &type) const {
  return executor::typeSize(type);
}

unsigned Target::getVectorWidth(const Type &type) const {
  return getDataPathWidth() / (8 * getTypeSize(type));
}

Device Device::createCPUDevice(unsigned numIPUs) {
  IPUModel model("ipu2");
  model.numIPUs = numIPUs;
  model.tilesPerIPU = 1;
  return model.createDevice();
}

IPUModel::IPUModel(const char *version) : IPUVersion(version) {
  const SystemFigures &figures = systemFigures(IPUVersion);
  tilesPerIPU = figures.tilesPerIPU;
  numWorkerContexts = figures.workerContexts;
  memoryBytesPerTile = figures.bytesPerTile;
}

Device IPUModel::createDevice(OptionFlags, bool, unsigned) const {
  if (numIPUs == 0 || tilesPerIPU == 0 || numWorkerContexts == 0)
    throw poplar_error("IPUModel: numIPUs, tilesPerIPU and numWorkerContexts "
                       "must be positive");
  Target target;
  target.numIPUs_ = numIPUs;
  target.tilesPerIPU_ = tilesPerIPU;
  target.workerContexts_ = numWorkerContexts;
  target.bytesPerTile_ = memoryBytesPerTile;
  target.arch_ = IPUVersion;
  return Device(target);
}

} // namespace poplar
