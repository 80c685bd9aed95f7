// The RLeaky model's backward runners (HostNeuronBackward.hpp), in a translation
// unit of their own so that the models compile in parallel.
#include "ops/host/HostNeuronBackward.hpp"

namespace snn_ipu {
template void hostModelBackward<kModelRLeaky>(const NeuronBackwardArgs &,
                                          const NeuronOptions &,
                                          const HostRunOptions &);
} // namespace snn_ipu
