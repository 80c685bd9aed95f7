// NeuronForward: a neuron model's recursion over all time steps, for one
// tile's block of neurons, in one vertex call. The model (NeuronModels.hpp)
// is one step and its constants; this vertex is everything else.
//
// Each worker takes a contiguous, 64-bit aligned block of the tile's neurons
// and walks it in chunks of `chunkNeurons` (at most kMaxChunkNeurons): a
// chunk's states are carried across all time steps (in registers on the IPU,
// whose chunks are 2 neurons; in L1 on the host, whose chunks are long rows),
// and every step reads one input row and writes one spike row (and one row
// per recorded state when RecordStates) of the chunk. Fields connect the
// tile's neurons at every time step (one edge per step), so no rearranging
// copy of the [T, N] tensors is needed; a static input connects the same row
// at every step. The final states are always written, in the state type, so
// that a sequence can be continued.
#pragma once

#include <cstddef>

#include <poplar/HalfFloat.hpp>
#include <poplar/Vertex.hpp>

#include "LifFields.hpp"
#include "LifMath.hpp"
#include "LifTypes.hpp"
#include "NeuronModels.hpp"
#include "Variant.hpp"
#include "WorkDivision.hpp"

using namespace poplar;

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

template <unsigned ModelId, typename FPType, unsigned ResetMode, bool ResetDelay,
          bool RecordStates>
class NeuronForward : public MultiVertex {
  using Model = typename ModelOf<ModelId>::type;
  using S = StateType<FPType>;
  static constexpr unsigned K = Model::kStates;
  static constexpr unsigned P = Model::kParams;
  static constexpr unsigned R = modelShape(ModelId).recorded;
  static constexpr auto ONE_PTR = VectorLayout::ONE_PTR;
  static constexpr auto SPAN = VectorLayout::SPAN;

public:
  Vector<Input<Vector<FPType, ONE_PTR, 8>>, ONE_PTR> current; // [numSteps]
  Vector<Input<Vector<S, ONE_PTR, 8>>, ONE_PTR> stateInit;    // [K] x numNeurons
  Vector<Input<Vector<S, SPAN, 8>>, ONE_PTR> params;          // [P] x (1 or numNeurons)
  Vector<Output<Vector<FPType, ONE_PTR, 8>>, ONE_PTR> spikes; // [numSteps]
  // [R * numSteps] when RecordStates (state r at step t: edge r*numSteps + t),
  // else no edges.
  Vector<Output<Vector<FPType, ONE_PTR, 8>>, ONE_PTR> records;
  Vector<Output<Vector<S, ONE_PTR, 8>>, ONE_PTR> stateFinal; // [K] x numNeurons
  unsigned numSteps;
  unsigned numNeurons;
  unsigned chunkNeurons; // 1 .. kMaxChunkNeurons<S>

  void compute(unsigned workerId) {
    const WorkerRange range = workerRange(numNeurons, workerId, numWorkers(),
                                          kWorkerGrain<FPType>);
    const unsigned width = chunkWidth<S>(chunkNeurons);
    const bool shared = allSharedEdges<P>(params);
    for (std::size_t first = range.begin; first < range.end; first += width) {
      const std::size_t left = range.end - first;
      const unsigned count = left < width ? unsigned(left) : width;
      if (shared)
        runChunk<true>(first, count);
      else
        runChunk<false>(first, count);
    }
  }

private:
  template <bool SharedParams> void runChunk(std::size_t first, unsigned count) {
    constexpr unsigned W = kMaxChunkNeurons<S>;
    ChunkParams<SharedParams, W, P, S> p;
    p.template load<Model>(params, first, count);
    S state[K][W];
    for (unsigned k = 0; k < K; ++k) {
      const auto &init = stateInit[k];
      for (unsigned v = 0; v < count; ++v)
        state[k][v] = init[first + v];
    }

    for (unsigned t = 0; t < numSteps; ++t) {
      const auto &in = current[t];
      S spk[W], converted[W];
      const S *x = runAsState<S>(in, first, count, converted);
      // The rows kTouchAheadSteps steps on (the last step's near the end).
      const unsigned next = t + kTouchAheadSteps < numSteps
                                ? t + kTouchAheadSteps
                                : numSteps - 1;
      const auto &nextIn = current[next];
      const auto &nextSpikes = spikes[next];
      const auto touchNext = [&](unsigned v) {
        touchRow(nextIn, first + v);
        touchRow(nextSpikes, first + v);
        if constexpr (RecordStates)
          for (unsigned r = 0; r < R; ++r) // no rows without RecordStates
            touchRow(records[r * numSteps + next], first + v);
      };
      forEachLine<S>(count, touchNext, [&](unsigned v) {
        S prev[K];
        for (unsigned k = 0; k < K; ++k)
          prev[k] = state[k][v];
        const auto step = Model::template step<ResetMode, ResetDelay>(
            prev, x[v], p.at(v));
        spk[v] = step.spike;
        for (unsigned k = 0; k < K; ++k)
          state[k][v] = step.state[k];
      });
      storeRun<FPType>(spikes[t], first, spk, count);
      if constexpr (RecordStates)
        for (unsigned r = 0; r < R; ++r)
          storeRun<FPType>(records[r * numSteps + t], first, state[r], count);
    }
    for (unsigned k = 0; k < K; ++k)
      storeRun<S>(stateFinal[k], first, state[k], count);
  }
};

SNN_IPU_VARIANT_END
} // namespace snn_ipu
