// The host runner's entry points: run the LIF codelets over a [T, N] layer on
// the host's threads, following the same tile plan the IPU uses.
//
// Arguments are raw, typed by ElementType: the bindings check every size
// before calling, and these functions only touch the element ranges the sizes
// below describe.
#pragma once

#include <cstdint>

#include "ops/plan/LifPlan.hpp"

namespace snn_ipu {

struct LifOptions {
  unsigned resetMode = 0;  // kReset*
  bool resetDelay = true;
  unsigned surrogate = 0;  // kSurrogate*
  double surrogateA = 0.0; // see LifTypes.hpp
  double surrogateB = 0.0;
};

// The most threads one kernel call takes (snn_ipu._counts.MAX_THREADS; a test
// checks the two agree).
constexpr unsigned kMaxThreads = 1024;

struct HostRunOptions {
  unsigned numThreads = 1;
  // Debug mode: outputs are filled with NaN before the vertices run, and the
  // (tile, worker) calls run in a shuffled order, so a read of an output or a
  // dependence between workers changes the result.
  bool debug = false;
  std::uint64_t debugSeed = 0;
};

// Parameter vectors hold one value (shared by all neurons) or numNeurons.
struct LifParamsView {
  const void *decay = nullptr;
  std::uint64_t decaySize = 1;
  const void *threshold = nullptr;
  std::uint64_t thresholdSize = 1;
  const void *graded = nullptr;
  std::uint64_t gradedSize = 1;
};

// Elements are `type` ([T, N] tensors) or its state type (per-neuron vectors:
// float32 for half and float).
//
// The layer and its inputs, common to both passes.
struct LifLayerInputs {
  ElementType type = ElementType::Float;
  std::uint64_t numSteps = 0;
  std::uint64_t numNeurons = 0;
  bool constantCurrent = false;  // current is [1, N], the same at every step
  const void *current = nullptr; // [T, N] or [1, N]
  const void *memInit = nullptr; // [N], state type, or null: zeros
  LifParamsView params;          // state type
};

struct LifForwardArgs : LifLayerInputs {
  void *spikes = nullptr;        // [T, N]
  void *mem = nullptr;           // [T, N], or null: no membrane record
  void *memFinal = nullptr;      // [N], state type: U after the last step
};

// With constantCurrent, gradCurrent is [1, N] too.
struct LifBackwardArgs : LifLayerInputs {
  const void *gradSpikes = nullptr; // [T, N] or null (no gradient)
  const void *gradMem = nullptr;    // [T, N] or null (no gradient)
  const void *gradMemFinal = nullptr; // [N], state type, or null
  void *gradCurrent = nullptr;      // [T, N], or [1, N]: summed over steps
  void *gradMemInit = nullptr;      // [N], state type, or null: not wanted
  // [N] per-neuron partials, state type; all three null: not wanted.
  void *gradDecay = nullptr;
  void *gradThreshold = nullptr;
  void *gradGraded = nullptr;
  // Or, instead of gradSpikes, the spikes feed a Linear layer (no bias
  // needed): linearGrad is its output's gradient [T * B, K] and linearWeight
  // its weight [K, in], with N = B * in (neuron b * in + n). The upstream
  // gradient of spike (t, b * in + n) is then sum over k of
  // linearGrad[t * B + b][k] * linearWeight[k][n], which the runner forms
  // per block of neurons, in cache, instead of reading a [T, N] tensor.
  // Float elements only.
  const void *linearGrad = nullptr;
  const void *linearWeight = nullptr;
  std::uint64_t linearOut = 0; // K
  std::uint64_t linearIn = 0;  // in
};

// The plan the host runner uses for a layer: one tile per thread (more in
// debug mode), six workers per tile as on the IPU, no memory limit, chunks as
// long as the backward scratch's cache budget allows for this T.
LifPlan hostPlan(std::uint64_t numSteps, std::uint64_t numNeurons,
                 ElementType type, const HostRunOptions &run);

void hostLifForward(const LifForwardArgs &args, const LifOptions &options,
                    const HostRunOptions &run);
void hostLifBackward(const LifBackwardArgs &args, const LifOptions &options,
                     const HostRunOptions &run);

} // namespace snn_ipu
