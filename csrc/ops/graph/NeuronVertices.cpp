#include "ops/graph/NeuronVertices.hpp"

#include <poputil/VertexTemplates.hpp>

namespace snn_ipu {
namespace popsnn {

std::string forwardVertexName(unsigned model, const poplar::Type &type,
                              unsigned resetMode, bool resetDelay,
                              bool recordStates) {
  return poputil::templateVertex("snn_ipu::NeuronForward", model, type,
                                 resetMode, resetDelay, recordStates);
}

std::string backwardVertexName(unsigned model, const poplar::Type &type,
                               unsigned resetMode, bool resetDelay,
                               unsigned surrogate) {
  return poputil::templateVertex("snn_ipu::NeuronBackward", model, type,
                                 resetMode, resetDelay, surrogate);
}

} // namespace popsnn
} // namespace snn_ipu
