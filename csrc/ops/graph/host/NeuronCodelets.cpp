#include "ops/graph/host/NeuronCodelets.hpp"

#include <mutex>

#include <poplar/executor/Codelets.hpp>

#include "codelets/LifTypes.hpp"
#include "ops/graph/NeuronVertices.hpp"
#include "ops/graph/host/NeuronVertexTypes.hpp"

namespace snn_ipu {
namespace popsnn {
namespace host {

void addNeuronCodelets(poplar::Graph &graph) {
  static std::once_flag registered;
  std::call_once(registered, [] {
    VertexTypes types;
    addForwardTypes(types);
    addBackwardLeakyTypes(types);
    addBackwardSynapticTypes(types);
    addBackwardAlphaTypes(types);
    addBackwardLapicqueTypes(types);
    addBackwardRLeakyTypes(types);
    addBackwardRSynapticTypes(types);
    poplar::executor::registerCodelets(kNeuronCodelets, std::move(types));
  });
  if (!graph.hasCodelet(forwardVertexName(kModelLeaky, poplar::FLOAT,
                                          kResetSubtract, true, true)))
    graph.addCodelets(kNeuronCodelets);
}

} // namespace host
} // namespace popsnn
} // namespace snn_ipu
