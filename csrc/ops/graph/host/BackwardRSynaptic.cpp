// The graph variant of the RSynaptic backward vertices, described to the executor.
#include "ops/graph/host/NeuronVertexFields.hpp"
#include "ops/graph/host/NeuronVertexTypes.hpp"

namespace snn_ipu {
namespace popsnn {
namespace host {

void addBackwardRSynapticTypes(VertexTypes &types) {
  addBackward<kModelRSynaptic>(types);
}

} // namespace host
} // namespace popsnn
} // namespace snn_ipu
