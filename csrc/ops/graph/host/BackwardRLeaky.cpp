// The graph variant of the RLeaky backward vertices, described to the executor.
#include "ops/graph/host/NeuronVertexFields.hpp"
#include "ops/graph/host/NeuronVertexTypes.hpp"

namespace snn_ipu {
namespace popsnn {
namespace host {

void addBackwardRLeakyTypes(VertexTypes &types) {
  addBackward<kModelRLeaky>(types);
}

} // namespace host
} // namespace popsnn
} // namespace snn_ipu
