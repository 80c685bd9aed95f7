// LifForward: the leaky integrate-and-fire recursion over all time steps, for
// one tile's block of neurons, in one vertex call.
//
// Each worker takes a contiguous, 64-bit aligned block of the tile's neurons
// and walks it in chunks of `chunkNeurons` (at most kMaxChunkNeurons): a
// chunk's membrane is carried across all time steps (in registers on the IPU,
// whose chunks are 2 neurons; in L1 on the host, whose chunks are long rows),
// and every step reads one input row and writes one spike row (and one
// membrane row when RecordMem) of the chunk. Fields connect the tile's neurons
// at every time step (one edge per step), so no rearranging copy of the [T, N]
// tensors is needed; a static input connects the same row at every step. The
// final membrane is always written, in the state type, so that a sequence can
// be continued.
#include <cstddef>

#include <poplar/HalfFloat.hpp>
#include <poplar/Vertex.hpp>

#include "LifFields.hpp"
#include "LifMath.hpp"
#include "LifStep.hpp"
#include "LifTypes.hpp"
#include "Variant.hpp"
#include "WorkDivision.hpp"

using namespace poplar;

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

template <typename FPType, unsigned ResetMode, bool ResetDelay, bool RecordMem>
class LifForward : public MultiVertex {
  using S = StateType<FPType>;
  static constexpr auto ONE_PTR = VectorLayout::ONE_PTR;
  static constexpr auto SPAN = VectorLayout::SPAN;

public:
  Vector<Input<Vector<FPType, ONE_PTR, 8>>, ONE_PTR> current; // [numSteps]
  Input<Vector<S, ONE_PTR, 8>> memInit;                        // numNeurons
  Input<Vector<S, SPAN, 8>> decay;     // 1 or numNeurons
  Input<Vector<S, SPAN, 8>> threshold; // 1 or numNeurons
  Input<Vector<S, SPAN, 8>> graded;    // 1 or numNeurons
  Vector<Output<Vector<FPType, ONE_PTR, 8>>, ONE_PTR> spikes; // [numSteps]
  // [numSteps] when RecordMem, else no edges.
  Vector<Output<Vector<FPType, ONE_PTR, 8>>, ONE_PTR> mem;
  Output<Vector<S, ONE_PTR, 8>> memFinal; // numNeurons: U after the last step
  unsigned numSteps;
  unsigned numNeurons;
  unsigned chunkNeurons; // 1 .. kMaxChunkNeurons<S>

  void compute(unsigned workerId) {
    const WorkerRange range = workerRange(numNeurons, workerId, numWorkers(),
                                          kWorkerGrain<FPType>);
    const unsigned width = chunkWidth<S>(chunkNeurons);
    const bool shared = allShared(decay, threshold, graded);
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
    ChunkParam<SharedParams, W, S> b, th, g;
    S u[W];
    loadChunkParams(decay, threshold, graded, first, count, b, th, g);
    for (unsigned v = 0; v < count; ++v)
      u[v] = memInit[first + v];

    for (unsigned t = 0; t < numSteps; ++t) {
      const auto in = current[t];
      S spk[W], converted[W];
      const S *x = runAsState<S>(in, first, count, converted);
      // The rows kTouchAheadSteps steps on (the last step's near the end).
      const unsigned next = t + kTouchAheadSteps < numSteps
                                ? t + kTouchAheadSteps
                                : numSteps - 1;
      const auto nextIn = current[next];
      const auto nextSpikes = spikes[next];
      const auto touchNext = [&](unsigned v) {
        touchRow(nextIn, first + v);
        touchRow(nextSpikes, first + v);
        if constexpr (RecordMem)
          touchRow(mem[next], first + v); // no rows without RecordMem
      };
      forEachLine<S>(count, touchNext, [&](unsigned v) {
        const auto step = lifStep<ResetMode, ResetDelay>(
            u[v], x[v], LifParams<S>{b[v], th[v], g[v]});
        spk[v] = step.spike;
        u[v] = step.mem;
      });
      storeRun<FPType>(spikes[t], first, spk, count);
      if constexpr (RecordMem)
        storeRun<FPType>(mem[t], first, u, count);
    }
    storeRun<S>(memFinal, first, u, count);
  }
};

// Reset "none" ignores reset_delay: only reset_delay=True is instantiated.
#define SNN_IPU_INSTANTIATE_LIF_FORWARD_RECORD(FPType, RecordMem)              \
  template class LifForward<FPType, kResetSubtract, true, RecordMem>;          \
  template class LifForward<FPType, kResetSubtract, false, RecordMem>;         \
  template class LifForward<FPType, kResetZero, true, RecordMem>;              \
  template class LifForward<FPType, kResetZero, false, RecordMem>;             \
  template class LifForward<FPType, kResetNone, true, RecordMem>;

#define SNN_IPU_INSTANTIATE_LIF_FORWARD(FPType)                                \
  SNN_IPU_INSTANTIATE_LIF_FORWARD_RECORD(FPType, true)                         \
  SNN_IPU_INSTANTIATE_LIF_FORWARD_RECORD(FPType, false)

SNN_IPU_INSTANTIATE_LIF_FORWARD(float)
SNN_IPU_INSTANTIATE_LIF_FORWARD(half)

SNN_IPU_VARIANT_END
} // namespace snn_ipu
