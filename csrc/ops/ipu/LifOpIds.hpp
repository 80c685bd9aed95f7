// The PopART identity of the fused LIF op: domain, names, version, attribute
// names and the order of inputs and outputs. snn_ipu/_ipu.py calls
// poptorch.custom_op with the same values (tests/test_ipu_op_contract.py
// checks that the two agree).
#pragma once

#include <popart/operatoridentifier.hpp>

namespace snn_ipu {
namespace ipu {

constexpr const char *kDomain = "snn_ipu";
constexpr int kVersion = 1;
constexpr const char *kLifOpName = "Lif";
constexpr const char *kLifGradOpName = "LifGrad";

inline const popart::OperatorIdentifier &lifOpId() {
  static const popart::OperatorIdentifier id{kDomain, kLifOpName, kVersion};
  return id;
}
inline const popart::OperatorIdentifier &lifGradOpId() {
  static const popart::OperatorIdentifier id{kDomain, kLifGradOpName, kVersion};
  return id;
}

// Attributes (all ints but the surrogate constants, which are floats).
constexpr const char *kAttrNumSteps = "num_steps";   // T; current has T or 1 rows
constexpr const char *kAttrResetMode = "reset_mode"; // kReset* (LifTypes.hpp)
constexpr const char *kAttrResetDelay = "reset_delay"; // 0 or 1
constexpr const char *kAttrSurrogate = "surrogate";    // kSurrogate*
constexpr const char *kAttrSurrogateA = "surrogate_a";
constexpr const char *kAttrSurrogateB = "surrogate_b";

// Forward inputs. current is [T, N] (or [1, N]: a static input read at every
// step); the others are float32: memInit [N], decay/threshold/graded [1] or
// [N]. decay is beta already clamped to [0, 1] by the caller, so that the
// clamp's gradient mask is the framework's.
enum LifIn : int { kCurrent = 0, kMemInit, kDecay, kThreshold, kGraded, kNumLifIn };
// Forward outputs: spikes [T, N] and the membrane record [T, N] (current's
// type), and the final membrane [N] (float32).
enum LifOut : int { kSpikes = 0, kMem, kMemFinal, kNumLifOut };

// Grad op inputs: the gradients of the three forward outputs (each optional:
// PopART leaves out the gradient of an output the loss does not depend on),
// then the five forward inputs. Its outputs are the gradients of the forward
// inputs, in the forward inputs' order and shapes.
enum LifGradIn : int {
  kGradSpikes = 0,
  kGradMem,
  kGradMemFinal,
  kFwdInputs, // + LifIn
  kNumLifGradIn = kFwdInputs + kNumLifIn
};

} // namespace ipu
} // namespace snn_ipu
