#include "ops/ipu/NeuronCodelets.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <fstream>
#include <vector>

#include <poplar/PerfEstimateFunc.hpp>
#include <poplar/Target.hpp>
#include <poplar/VertexIntrospector.hpp>
#include <popart/error.hpp>

#include "codelets/LifTypes.hpp"
#include "ops/graph/NeuronVertices.hpp"
#include "ops/graph/PlanLayout.hpp"
#include "ops/plan/ElementType.hpp"
#include "ops/plan/LifCycles.hpp"

namespace snn_ipu {
namespace ipu {

using popsnn::backwardVertexName;
using popsnn::elementTypeOf;
using popsnn::forwardVertexName;

namespace {

constexpr const char *kCodeletsFile = "snn_ipu_codelets.gp";
constexpr const char *kCodeletsVariable = "SNN_IPU_CODELETS";

struct ResetInstance {
  unsigned mode;
  bool delay;
};

// The resets NeuronForward.cpp and NeuronBackward.cpp compile for a model:
// every mode with reset_delay=True, and subtract and zero with False where
// the model has that variant.
std::vector<ResetInstance> resetInstances(unsigned model) {
  std::vector<ResetInstance> resets = {
      {kResetSubtract, true}, {kResetZero, true}, {kResetNone, true}};
  if (modelShape(model).hasResetDelay) {
    resets.push_back({kResetSubtract, false});
    resets.push_back({kResetZero, false});
  }
  return resets;
}

LifVertexShape shapeOf(const poplar::VertexIntrospector &vertex,
                       const poplar::Target &target, const poplar::Type &type,
                       unsigned model) {
  LifVertexShape shape;
  shape.numSteps =
      vertex.getFieldInfo("numSteps").getInitialValue<unsigned>(target);
  shape.numNeurons =
      vertex.getFieldInfo("numNeurons").getInitialValue<unsigned>(target);
  shape.chunkNeurons =
      vertex.getFieldInfo("chunkNeurons").getInitialValue<unsigned>(target);
  shape.numWorkers = target.getNumWorkerContexts();
  shape.grain = workerGrain(elementTypeOf(type));
  shape.model = model;
  return shape;
}

// The perf estimator of a vertex instance: `cycles` of the shape its fields
// and the target give.
template <typename Cycles>
poplar::PerfEstimateFunc estimator(const poplar::Type &type, unsigned model,
                                   Cycles cycles) {
  return poplar::PerfEstimateFunc([=](const poplar::VertexIntrospector &vertex,
                                      const poplar::Target &target) {
    return poplar::VertexPerfEstimate(cycles(shapeOf(vertex, target, type, model)));
  });
}

void registerModelEstimators(poplar::Graph &graph, unsigned model,
                             const poplar::Type &type) {
  for (const ResetInstance reset : resetInstances(model)) {
    for (const bool record : {true, false})
      graph.registerPerfEstimator(
          forwardVertexName(model, type, reset.mode, reset.delay, record),
          estimator(type, model, [=](const LifVertexShape &shape) {
            return lifForwardCycles(shape, reset.mode, reset.delay, record);
          }));
    for (unsigned surrogate = 0; surrogate < kNumSurrogates; ++surrogate)
      graph.registerPerfEstimator(
          backwardVertexName(model, type, reset.mode, reset.delay, surrogate),
          estimator(type, model, [=](const LifVertexShape &shape) {
            return lifBackwardCycles(shape, reset.mode, reset.delay, surrogate);
          }));
  }
}

std::string thisLibraryFolder() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void *>(&addNeuronCodelets), &info) == 0 ||
      info.dli_fname == nullptr)
    return ".";
  const std::string path = info.dli_fname;
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

} // namespace

std::string neuronCodeletsPath() {
  if (const char *path = std::getenv(kCodeletsVariable))
    return path;
  return thisLibraryFolder() + "/" + kCodeletsFile;
}

void addNeuronCodelets(poplar::Graph &graph) {
  if (graph.hasCodelet(forwardVertexName(kModelLeaky, poplar::FLOAT,
                                         kResetSubtract, true, true)))
    return;
  const std::string path = neuronCodeletsPath();
  if (!std::ifstream(path).good())
    throw popart::error("snn_ipu: the neuron codelets {} are missing; reinstall "
                        "snn_ipu with the Poplar SDK enabled (or set {})",
                        path, kCodeletsVariable);
  graph.addCodelets(path);
  for (const poplar::Type &type : {poplar::HALF, poplar::FLOAT})
    for (unsigned model = 0; model < kNumModels; ++model)
      registerModelEstimators(graph, model, type);
}

} // namespace ipu
} // namespace snn_ipu
