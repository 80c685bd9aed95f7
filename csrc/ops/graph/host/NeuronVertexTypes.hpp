// Host only: the neuron vertex classes (csrc/codelets) described to the graph
// executor, field by field, with the edge counts and sizes each vertex
// reads, so that compiling a graph refuses an edge that is too short before
// any vertex runs. Included by the translation units that compile the
// vertices' "graph" variant (-DSNN_IPU_VARIANT=graph -DSNN_IPU_SHIM_CHECKED
// -DSNN_IPU_SHIM_THROWS), one per direction and model, so that they compile
// in parallel.
#pragma once

#include <vector>

#include <poplar/executor/VertexType.hpp>

namespace snn_ipu {
namespace popsnn {
namespace host {

using VertexTypes = std::vector<poplar::executor::VertexType>;

// Every instance the codelet sources compile: the forward's of every model,
// the backward's of one model.
void addForwardTypes(VertexTypes &types);
void addBackwardLeakyTypes(VertexTypes &types);
void addBackwardSynapticTypes(VertexTypes &types);
void addBackwardAlphaTypes(VertexTypes &types);
void addBackwardLapicqueTypes(VertexTypes &types);
void addBackwardRLeakyTypes(VertexTypes &types);
void addBackwardRSynapticTypes(VertexTypes &types);

} // namespace host
} // namespace popsnn
} // namespace snn_ipu
