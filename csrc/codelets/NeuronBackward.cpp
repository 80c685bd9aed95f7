// The NeuronBackward vertices popc compiles: every model, reset mode,
// reset_delay and surrogate, for float and half (NeuronBackward.hpp).
// No multiply-add contraction, as the host build's -ffp-contract=off: popc
// is clang, which contracts a*b + c within an expression by default, and the
// results must be snnTorch's separate multiply and add. The pragma precedes
// the vertex code it applies to.
#ifdef __clang__
#pragma clang fp contract(off)
#endif
#include "NeuronBackward.hpp"

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

// Models without reset_delay, and reset "none" (which ignores it), are
// instantiated with reset_delay=True only.
#define SNN_IPU_INSTANTIATE_NEURON_BACKWARD_RESETS(M, FPType, Surrogate)        \
  template class NeuronBackward<M, FPType, kResetSubtract, true, Surrogate>;   \
  template class NeuronBackward<M, FPType, kResetZero, true, Surrogate>;       \
  template class NeuronBackward<M, FPType, kResetNone, true, Surrogate>;
#define SNN_IPU_INSTANTIATE_NEURON_BACKWARD_DELAYED(M, FPType, Surrogate)       \
  SNN_IPU_INSTANTIATE_NEURON_BACKWARD_RESETS(M, FPType, Surrogate)             \
  template class NeuronBackward<M, FPType, kResetSubtract, false, Surrogate>;  \
  template class NeuronBackward<M, FPType, kResetZero, false, Surrogate>;

#define SNN_IPU_INSTANTIATE_NEURON_BACKWARD_MODELS(FPType, Surrogate)           \
  SNN_IPU_INSTANTIATE_NEURON_BACKWARD_DELAYED(kModelLeaky, FPType, Surrogate)  \
  SNN_IPU_INSTANTIATE_NEURON_BACKWARD_DELAYED(kModelSynaptic, FPType, Surrogate) \
  SNN_IPU_INSTANTIATE_NEURON_BACKWARD_RESETS(kModelAlpha, FPType, Surrogate)   \
  SNN_IPU_INSTANTIATE_NEURON_BACKWARD_RESETS(kModelLapicque, FPType, Surrogate) \
  SNN_IPU_INSTANTIATE_NEURON_BACKWARD_DELAYED(kModelRLeaky, FPType, Surrogate) \
  SNN_IPU_INSTANTIATE_NEURON_BACKWARD_RESETS(kModelRSynaptic, FPType, Surrogate)

#define SNN_IPU_INSTANTIATE_NEURON_BACKWARD(FPType)                             \
  SNN_IPU_INSTANTIATE_NEURON_BACKWARD_MODELS(FPType, kSurrogateATan)           \
  SNN_IPU_INSTANTIATE_NEURON_BACKWARD_MODELS(FPType, kSurrogateFastSigmoid)    \
  SNN_IPU_INSTANTIATE_NEURON_BACKWARD_MODELS(FPType, kSurrogateSigmoid)        \
  SNN_IPU_INSTANTIATE_NEURON_BACKWARD_MODELS(FPType, kSurrogateStraightThrough) \
  SNN_IPU_INSTANTIATE_NEURON_BACKWARD_MODELS(FPType, kSurrogateHeaviside)      \
  SNN_IPU_INSTANTIATE_NEURON_BACKWARD_MODELS(FPType, kSurrogateTriangular)     \
  SNN_IPU_INSTANTIATE_NEURON_BACKWARD_MODELS(FPType, kSurrogateSpikeRateEscape) \
  SNN_IPU_INSTANTIATE_NEURON_BACKWARD_MODELS(FPType, kSurrogateSparseFastSigmoid)

SNN_IPU_INSTANTIATE_NEURON_BACKWARD(float)
SNN_IPU_INSTANTIATE_NEURON_BACKWARD(half)

SNN_IPU_VARIANT_END
} // namespace snn_ipu
