// The graph variant of every model's forward vertices, described to the
// executor.
#include "ops/graph/host/NeuronVertexFields.hpp"
#include "ops/graph/host/NeuronVertexTypes.hpp"

namespace snn_ipu {
namespace popsnn {
namespace host {

void addForwardTypes(VertexTypes &types) {
  addForward<kModelLeaky>(types);
  addForward<kModelSynaptic>(types);
  addForward<kModelAlpha>(types);
  addForward<kModelLapicque>(types);
  addForward<kModelRLeaky>(types);
  addForward<kModelRSynaptic>(types);
}

} // namespace host
} // namespace popsnn
} // namespace snn_ipu
