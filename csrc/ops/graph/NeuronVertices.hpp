// The names of the neuron vertex instances (csrc/codelets), as
// Graph::addVertex takes them; the same on the IPU and on the host.
#pragma once

#include <string>

#include <poplar/Type.hpp>

namespace snn_ipu {
namespace popsnn {

// "snn_ipu::NeuronForward<0,float,0,true,true>": the instance of model
// `model` (kModel*) for the element type, reset and recording (or surrogate).
std::string forwardVertexName(unsigned model, const poplar::Type &type,
                              unsigned resetMode, bool resetDelay,
                              bool recordStates);
std::string backwardVertexName(unsigned model, const poplar::Type &type,
                               unsigned resetMode, bool resetDelay,
                               unsigned surrogate);

} // namespace popsnn
} // namespace snn_ipu
