// The NeuronForward vertices popc compiles: every model, reset mode,
// reset_delay and recording, for float and half (NeuronForward.hpp).
// No multiply-add contraction, as the host build's -ffp-contract=off: popc
// is clang, which contracts a*b + c within an expression by default, and the
// results must be snnTorch's separate multiply and add. The pragma precedes
// the vertex code it applies to.
#ifdef __clang__
#pragma clang fp contract(off)
#endif
#include "NeuronForward.hpp"

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

// Models without reset_delay, and reset "none" (which ignores it), are
// instantiated with reset_delay=True only.
#define SNN_IPU_INSTANTIATE_NEURON_FORWARD_RECORD(M, FPType, RecordStates)      \
  template class NeuronForward<M, FPType, kResetSubtract, true, RecordStates>; \
  template class NeuronForward<M, FPType, kResetZero, true, RecordStates>;     \
  template class NeuronForward<M, FPType, kResetNone, true, RecordStates>;
#define SNN_IPU_INSTANTIATE_NEURON_FORWARD_DELAY(M, FPType, RecordStates)       \
  template class NeuronForward<M, FPType, kResetSubtract, false, RecordStates>;\
  template class NeuronForward<M, FPType, kResetZero, false, RecordStates>;

#define SNN_IPU_INSTANTIATE_NEURON_FORWARD(FPType)                              \
  SNN_IPU_INSTANTIATE_NEURON_FORWARD_RECORD(kModelLeaky, FPType, true)          \
  SNN_IPU_INSTANTIATE_NEURON_FORWARD_RECORD(kModelLeaky, FPType, false)         \
  SNN_IPU_INSTANTIATE_NEURON_FORWARD_DELAY(kModelLeaky, FPType, true)           \
  SNN_IPU_INSTANTIATE_NEURON_FORWARD_DELAY(kModelLeaky, FPType, false)          \
  SNN_IPU_INSTANTIATE_NEURON_FORWARD_RECORD(kModelSynaptic, FPType, true)       \
  SNN_IPU_INSTANTIATE_NEURON_FORWARD_RECORD(kModelSynaptic, FPType, false)      \
  SNN_IPU_INSTANTIATE_NEURON_FORWARD_DELAY(kModelSynaptic, FPType, true)        \
  SNN_IPU_INSTANTIATE_NEURON_FORWARD_DELAY(kModelSynaptic, FPType, false)       \
  SNN_IPU_INSTANTIATE_NEURON_FORWARD_RECORD(kModelAlpha, FPType, true)          \
  SNN_IPU_INSTANTIATE_NEURON_FORWARD_RECORD(kModelAlpha, FPType, false)         \
  SNN_IPU_INSTANTIATE_NEURON_FORWARD_RECORD(kModelLapicque, FPType, true)       \
  SNN_IPU_INSTANTIATE_NEURON_FORWARD_RECORD(kModelLapicque, FPType, false)       \
  SNN_IPU_INSTANTIATE_NEURON_FORWARD_RECORD(kModelRLeaky, FPType, true)         \
  SNN_IPU_INSTANTIATE_NEURON_FORWARD_RECORD(kModelRLeaky, FPType, false)        \
  SNN_IPU_INSTANTIATE_NEURON_FORWARD_DELAY(kModelRLeaky, FPType, true)          \
  SNN_IPU_INSTANTIATE_NEURON_FORWARD_DELAY(kModelRLeaky, FPType, false)         \
  SNN_IPU_INSTANTIATE_NEURON_FORWARD_RECORD(kModelRSynaptic, FPType, true)      \
  SNN_IPU_INSTANTIATE_NEURON_FORWARD_RECORD(kModelRSynaptic, FPType, false)

SNN_IPU_INSTANTIATE_NEURON_FORWARD(float)
SNN_IPU_INSTANTIATE_NEURON_FORWARD(half)

SNN_IPU_VARIANT_END
} // namespace snn_ipu
