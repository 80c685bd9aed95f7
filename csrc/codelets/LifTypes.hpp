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

// Neurons a worker carries across all time steps at once on the IPU, where a
// chunk's state stays in registers (kMaxChunkNeurons under __IPU__, and the
// plan's chunk for an IPU target).
constexpr unsigned kIpuChunkNeurons = 2;

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

// Backward keeps this many float32 (or double) state planes per time step and
// chunk in its scratch field: the post-reset membrane, and with
// reset_delay=False also the pre-reset one.
constexpr unsigned scratchPlanes(bool resetDelay) { return resetDelay ? 1u : 2u; }

} // namespace snn_ipu
