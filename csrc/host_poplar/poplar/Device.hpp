// Host implementation of Poplar's Device: what an Engine is loaded on. Here
// every device runs the graph on the host CPU (see Engine.hpp); one is made
// from an IPUModel (IPUModel.hpp) or as a CPU device.
#pragma once

#include <poplar/Target.hpp>

namespace poplar {

class Device {
public:
  Device() = default;
  // One tile per IPU, as Poplar's CPU target.
  static Device createCPUDevice(unsigned numIPUs = 1);

  const Target &getTarget() const { return target_; }
  unsigned getId() const { return 0; }
  bool attach() { return true; }
  void detach() {}

private:
  friend struct IPUModel;
  explicit Device(const Target &target) : target_(target) {}
  Target target_;
};

} // namespace poplar
