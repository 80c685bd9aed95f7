// The graph variant of the Synaptic backward vertices, described to the executor.
#include "ops/graph/host/NeuronVertexFields.hpp"
#include "ops/graph/host/NeuronVertexTypes.hpp"

namespace snn_ipu {
namespace popsnn {
namespace host {

void addBackwardSynapticTypes(VertexTypes &types) {
  addBackward<kModelSynaptic>(types);
}

} // namespace host
} // namespace popsnn
} // namespace snn_ipu
