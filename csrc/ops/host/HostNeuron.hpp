// The host runner's entry points: run a neuron model's codelets over a [T, N]
// layer on the host's threads, following the same tile plan the IPU uses.
//
// Arguments are raw, typed by ElementType: the bindings check every size
// before calling, and these functions only touch the element ranges the sizes
// below describe. A model's states and parameters are in the order of its
// codelet header (LeakyModel.hpp, ...); only the first
// modelShape(model).states (params) entries of each array are read.
#pragma once

#include <cstdint>

#include "codelets/LifTypes.hpp"
#include "ops/plan/ElementType.hpp"

namespace snn_ipu {

struct NeuronOptions {
  unsigned model = kModelLeaky; // kModel*
  unsigned resetMode = 0;       // kReset*
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

// Elements are `type` ([T, N] tensors) or its state type (per-neuron vectors:
// float32 for half and float).
//
// The layer and its inputs, common to both passes.
struct NeuronLayerInputs {
  ElementType type = ElementType::Float;
  std::uint64_t numSteps = 0;
  std::uint64_t numNeurons = 0;
  bool constantCurrent = false;  // current is [1, N], the same at every step
  const void *current = nullptr; // [T, N] or [1, N]
  // [N] each, state type; null: zeros.
  const void *stateInit[kMaxStates] = {};
  // One value for all neurons, or [N]; state type.
  const void *params[kMaxParams] = {};
  std::uint64_t paramSize[kMaxParams] = {};
};

struct NeuronForwardArgs : NeuronLayerInputs {
  void *spikes = nullptr; // [T, N]
  // [T, N] for each recorded state, or all null: no records.
  void *records[kMaxStates] = {};
  void *stateFinal[kMaxStates] = {}; // [N] each, state type: after the last step
};

// With constantCurrent, gradCurrent is [1, N] too.
struct NeuronBackwardArgs : NeuronLayerInputs {
  const void *gradSpikes = nullptr;                // [T, N] or null (no gradient)
  const void *gradRecords[kMaxStates] = {};        // [T, N] each, or null
  const void *gradStateFinal[kMaxStates] = {};     // [N] each, state type, or null
  void *gradCurrent = nullptr;         // [T, N], or [1, N]: summed over steps
  void *gradStateInit[kMaxStates] = {}; // [N] each, state type, or null: not wanted
  // [N] per-neuron partials, state type; all null: not wanted.
  void *gradParams[kMaxParams] = {};
  bool paramGradsWanted() const { return gradParams[0] != nullptr; }
  // Or, instead of gradSpikes, the spikes feed a Linear layer (no bias
  // needed): linearGrad is its output's gradient [T * B, K] and linearWeight
  // its weight [K, in], with N = B * in (neuron b * in + n). The upstream
  // gradient of spike (t, b * in + n) is then sum over k of
  // linearGrad[t * B + b][k] * linearWeight[k][n], which the runner forms
  // per block of neurons, in cache, instead of reading a [T, N] tensor.
  // Leaky float32 layers only.
  const void *linearGrad = nullptr;
  const void *linearWeight = nullptr;
  std::uint64_t linearOut = 0; // K
  std::uint64_t linearIn = 0;  // in
};

void hostNeuronForward(const NeuronForwardArgs &args, const NeuronOptions &options,
                       const HostRunOptions &run);
void hostNeuronBackward(const NeuronBackwardArgs &args,
                        const NeuronOptions &options, const HostRunOptions &run);

} // namespace snn_ipu
