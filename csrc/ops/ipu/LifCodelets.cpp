#include "ops/ipu/LifCodelets.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <fstream>

#include <poplar/PerfEstimateFunc.hpp>
#include <poplar/Target.hpp>
#include <poplar/VertexIntrospector.hpp>
#include <popart/error.hpp>
#include <poputil/VertexTemplates.hpp>

#include "codelets/LifTypes.hpp"
#include "ops/ipu/PlanLayout.hpp"
#include "ops/plan/ElementType.hpp"
#include "ops/plan/LifCycles.hpp"

namespace snn_ipu {
namespace ipu {

namespace {

constexpr const char *kCodeletsFile = "snn_ipu_codelets.gp";
constexpr const char *kCodeletsVariable = "SNN_IPU_CODELETS";

// The instances LifForward.cpp and LifBackward.cpp compile (reset "none" only
// with the delay).
struct ResetInstance {
  unsigned mode;
  bool delay;
};
constexpr ResetInstance kResetInstances[] = {{kResetSubtract, true},
                                             {kResetSubtract, false},
                                             {kResetZero, true},
                                             {kResetZero, false},
                                             {kResetNone, true}};

LifVertexShape shapeOf(const poplar::VertexIntrospector &vertex,
                       const poplar::Target &target, const poplar::Type &type) {
  LifVertexShape shape;
  shape.numSteps =
      vertex.getFieldInfo("numSteps").getInitialValue<unsigned>(target);
  shape.numNeurons =
      vertex.getFieldInfo("numNeurons").getInitialValue<unsigned>(target);
  shape.chunkNeurons =
      vertex.getFieldInfo("chunkNeurons").getInitialValue<unsigned>(target);
  shape.numWorkers = target.getNumWorkerContexts();
  shape.grain = workerGrain(elementTypeOf(type));
  return shape;
}

void registerPerfEstimators(poplar::Graph &graph) {
  for (const poplar::Type &type : {poplar::HALF, poplar::FLOAT}) {
    for (const ResetInstance reset : kResetInstances) {
      for (const bool record : {true, false})
        graph.registerPerfEstimator(
            forwardVertexName(type, reset.mode, reset.delay, record),
            poplar::PerfEstimateFunc(
                [=](const poplar::VertexIntrospector &vertex,
                    const poplar::Target &target) {
                  return poplar::VertexPerfEstimate(lifForwardCycles(
                      shapeOf(vertex, target, type), reset.mode, reset.delay,
                      record));
                }));
      for (unsigned surrogate = 0; surrogate < kNumSurrogates; ++surrogate)
        graph.registerPerfEstimator(
            backwardVertexName(type, reset.mode, reset.delay, surrogate),
            poplar::PerfEstimateFunc(
                [=](const poplar::VertexIntrospector &vertex,
                    const poplar::Target &target) {
                  return poplar::VertexPerfEstimate(lifBackwardCycles(
                      shapeOf(vertex, target, type), reset.mode, reset.delay,
                      surrogate));
                }));
    }
  }
}

std::string thisLibraryFolder() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void *>(&addLifCodelets), &info) == 0 ||
      info.dli_fname == nullptr)
    return ".";
  const std::string path = info.dli_fname;
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

} // namespace

std::string lifCodeletsPath() {
  if (const char *path = std::getenv(kCodeletsVariable))
    return path;
  return thisLibraryFolder() + "/" + kCodeletsFile;
}

std::string forwardVertexName(const poplar::Type &type, unsigned resetMode,
                              bool resetDelay, bool recordMem) {
  return poputil::templateVertex("snn_ipu::LifForward", type, resetMode,
                                 resetDelay, recordMem);
}

std::string backwardVertexName(const poplar::Type &type, unsigned resetMode,
                               bool resetDelay, unsigned surrogate) {
  return poputil::templateVertex("snn_ipu::LifBackward", type, resetMode,
                                 resetDelay, surrogate);
}

void addLifCodelets(poplar::Graph &graph) {
  if (graph.hasCodelet(forwardVertexName(poplar::FLOAT, kResetSubtract, true,
                                         true)))
    return;
  const std::string path = lifCodeletsPath();
  if (!std::ifstream(path).good())
    throw popart::error("snn_ipu: the LIF codelets {} are missing; reinstall "
                        "snn_ipu with the Poplar SDK enabled (or set {})",
                        path, kCodeletsVariable);
  graph.addCodelets(path);
  registerPerfEstimators(graph);
}

} // namespace ipu
} // namespace snn_ipu
