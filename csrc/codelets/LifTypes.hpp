// Constants shared by the LIF codelets, the tile plan and the Python bindings.
// Pure C++: no Poplar, no host code.
#pragma once

namespace snn_ipu {

// Reset mechanisms, numbered as snnTorch's SpikingNeuron.reset_dict.
constexpr unsigned kResetSubtract = 0;
constexpr unsigned kResetZero = 1;
constexpr unsigned kResetNone = 2;
constexpr unsigned kNumResetModes = 3;

// Surrogate gradients dS/dU of the Heaviside spike (x = U - threshold).
// Template arguments of the backward vertex; the ids are part of the PopART
// op's attributes, so they never change meaning.
constexpr unsigned kSurrogateATan = 0;              // a = alpha
constexpr unsigned kSurrogateFastSigmoid = 1;       // a = slope
constexpr unsigned kSurrogateSigmoid = 2;           // a = slope
constexpr unsigned kSurrogateStraightThrough = 3;   // -
constexpr unsigned kSurrogateHeaviside = 4;         // -
constexpr unsigned kSurrogateTriangular = 5;        // a = threshold
constexpr unsigned kSurrogateSpikeRateEscape = 6;   // a = beta, b = slope
constexpr unsigned kSurrogateSparseFastSigmoid = 7; // a = slope, b = B
constexpr unsigned kNumSurrogates = 8;
// Not an id: the instance of the backward vertex that reads its surrogate's
// id at run time (from the vertex's `surrogate` field) instead of being
// compiled for one. The host's float64 layers, there for gradcheck, use it:
// one instance instead of eight.
constexpr unsigned kSurrogateAny = kNumSurrogates;

// Neurons a worker carries across all time steps at once on the IPU, where a
// chunk's state stays in registers (kMaxChunkNeurons under popc, and the
// plan's chunk for an IPU target).
constexpr unsigned kIpuChunkNeurons = 2;

// The same on the host: a run of each row of up to 4 KiB of state
// (benchmarks/RESULTS.md, "Tuning constants"), whose state, parameters and
// step results stay in L1 across all steps, and the backward's recomputed
// states in L2 (the host runner narrows chunks for long T). kMaxChunkNeurons
// where the vertices run on the host shim.
template <typename StateT>
constexpr unsigned kHostChunkNeurons = 4096 / sizeof(StateT);

// The neuron state is carried in float32 for half and float elements (and in
// double for the host's double instantiation, which exists for gradcheck).
template <typename FPType> struct StateTypeOf { using type = float; };
template <> struct StateTypeOf<double> { using type = double; };
template <typename FPType>
using StateType = typename StateTypeOf<FPType>::type;

// Worker blocks start on a multiple of this many elements, so that every
// worker's block is 64-bit aligned and no two workers write the same word.
template <typename FPType>
constexpr unsigned kWorkerGrain = sizeof(FPType) >= 8 ? 1u : 8u / sizeof(FPType);

// Neuron models, numbered as the PopART op's "model" attribute (so they never
// change meaning): snnTorch 1.0.0's Leaky, Synaptic, Alpha and Lapicque, and
// RLeaky and RSynaptic with one-to-one recurrence (all_to_all=False).
constexpr unsigned kModelLeaky = 0;
constexpr unsigned kModelSynaptic = 1;
constexpr unsigned kModelAlpha = 2;
constexpr unsigned kModelLapicque = 3;
constexpr unsigned kModelRLeaky = 4;
constexpr unsigned kModelRSynaptic = 5;
constexpr unsigned kNumModels = 6;

// What the plan, the host runner and the bindings know of a model; each
// model's codelet header (LeakyModel.hpp, ...) states the same in its own
// constants and NeuronModels.hpp checks that they agree.
struct ModelShape {
  unsigned states;   // state vectors carried from step to step
  unsigned recorded; // the first `recorded` states are written at every step
  unsigned params;   // parameter vectors, each one value or one per neuron
  bool hasResetDelay; // whether reset_delay=False is a variant of the model
  // State-type values the backward keeps per neuron and step in its scratch,
  // with reset_delay=True and with reset_delay=False.
  unsigned savedPlanes[2];
};

constexpr ModelShape modelShape(unsigned model) {
  switch (model) {
  case kModelLeaky: // U; beta, threshold, graded; U (and V)
    return {1, 1, 3, true, {1, 2}};
  case kModelSynaptic: // syn, mem; alpha, beta, threshold; syn, mem (and V)
    return {2, 2, 3, true, {2, 3}};
  case kModelAlpha: // E, I, mem; alpha, beta, tau, threshold; E, I, mem, E+I
    return {3, 3, 4, false, {4, 4}};
  case kModelLapicque: // mem; R, 1/(R*C), time step, 1 - dt/(R*C), threshold; mem, x
    return {1, 1, 5, false, {2, 2}};
  case kModelRLeaky: // mem, spk; beta, V, threshold; mem, spk (and V)
    return {2, 1, 3, true, {2, 3}};
  case kModelRSynaptic: // syn, mem, spk; alpha, beta, V, threshold; syn, mem, spk
    return {3, 2, 4, false, {3, 3}};
  }
  return {0, 0, 0, false, {0, 0}};
}

// The most states and parameters of any model (the host's argument arrays).
constexpr unsigned kMaxStates = 3;
constexpr unsigned kMaxParams = 5;

// The scratch planes a model's backward keeps with a given reset_delay, and
// the most it keeps with any (what a plan serving both sizes for).
constexpr unsigned savedPlanes(unsigned model, bool resetDelay) {
  return modelShape(model).savedPlanes[resetDelay ? 0 : 1];
}
constexpr unsigned maxSavedPlanes(unsigned model) {
  return modelShape(model).hasResetDelay ? savedPlanes(model, false)
                                         : savedPlanes(model, true);
}

} // namespace snn_ipu
