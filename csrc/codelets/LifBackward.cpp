// LifBackward: surrogate-gradient backpropagation through time for one tile's
// block of neurons, all time steps in one vertex call.
//
// Nothing of the forward pass is read back: for each chunk of chunkNeurons
// neurons the vertex first recomputes the chunk's membrane for every step
// (bit for bit as LifForward did, into the worker's slice of `scratch`), then
// walks the steps in reverse carrying dL/dU. Per element this
// reads the input current and the upstream gradients and writes the current's
// gradient; per neuron it writes the gradients of the initial membrane and of
// beta, threshold and the graded-spike factor (the caller sums those over
// neurons where a parameter is shared), unless paramGrads is 0.
//
// An absent upstream gradient (on the spikes, the membrane record or the final
// membrane) is connected to zeros (one row of zeros at every step).
//
// With constantCurrent set, the input current is the same row at every step
// (static input, connected once per step) and gradCurrent has one edge that
// receives the current's gradient summed over all steps.
#include <cstddef>
#include <type_traits>

#include <poplar/HalfFloat.hpp>
#include <poplar/Vertex.hpp>

#include "LifFields.hpp"
#include "LifMath.hpp"
#include "LifStep.hpp"
#include "LifStepGrad.hpp"
#include "LifSurrogate.hpp"
#include "LifTypes.hpp"
#include "Variant.hpp"
#include "WorkDivision.hpp"

using namespace poplar;

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

template <typename FPType, unsigned ResetMode, bool ResetDelay,
          unsigned Surrogate>
class LifBackward : public MultiVertex {
  using S = StateType<FPType>;
  static constexpr auto ONE_PTR = VectorLayout::ONE_PTR;
  static constexpr auto SPAN = VectorLayout::SPAN;
  static constexpr unsigned kPlanes = scratchPlanes(ResetDelay);

public:
  Vector<Input<Vector<FPType, ONE_PTR, 8>>, ONE_PTR> current;    // [numSteps]
  Vector<Input<Vector<FPType, ONE_PTR, 8>>, ONE_PTR> gradSpikes; // [numSteps]
  Vector<Input<Vector<FPType, ONE_PTR, 8>>, ONE_PTR> gradMem;    // [numSteps]
  Input<Vector<S, ONE_PTR, 8>> gradMemFinal; // numNeurons: dL/dU_T
  Input<Vector<S, ONE_PTR, 8>> memInit;      // numNeurons
  Input<Vector<S, SPAN, 8>> decay;     // 1 or numNeurons
  Input<Vector<S, SPAN, 8>> threshold; // 1 or numNeurons
  Input<Vector<S, SPAN, 8>> graded;    // 1 or numNeurons
  // [numSteps], or [1] (summed over steps) when constantCurrent.
  Vector<Output<Vector<FPType, ONE_PTR, 8>>, ONE_PTR> gradCurrent;
  Output<Vector<S, ONE_PTR, 8>> gradMemInit;   // numNeurons
  Output<Vector<S, ONE_PTR, 8>> gradDecay;     // numNeurons
  Output<Vector<S, ONE_PTR, 8>> gradThreshold; // numNeurons
  Output<Vector<S, ONE_PTR, 8>> gradGraded;    // numNeurons
  // numWorkers() * numSteps * chunkNeurons * scratchPlanes(ResetDelay)
  InOut<Vector<S, ONE_PTR, 8>> scratch;
  unsigned numSteps;
  unsigned numNeurons;
  unsigned chunkNeurons;    // 1 .. kMaxChunkNeurons<S>
  unsigned constantCurrent; // 0 or 1
  // 0: nobody needs the gradients of beta, threshold and the graded factor;
  // their outputs are then left unwritten and their sums skipped.
  unsigned paramGrads;
  S surrogateA;
  S surrogateB;

  void compute(unsigned workerId) {
    const WorkerRange range = workerRange(numNeurons, workerId, numWorkers(),
                                          kWorkerGrain<FPType>);
    const unsigned width = chunkWidth<S>(chunkNeurons);
    S *workerScratch =
        &scratch[std::size_t(workerId) * numSteps * width * kPlanes];
    const bool shared = allShared(decay, threshold, graded);
    for (std::size_t first = range.begin; first < range.end; first += width) {
      const std::size_t left = range.end - first;
      const unsigned count = left < width ? unsigned(left) : width;
      if (shared)
        runChunk<true>(first, count, width, workerScratch);
      else
        runChunk<false>(first, count, width, workerScratch);
    }
  }

private:
  template <bool SharedParams>
  void runChunk(std::size_t first, unsigned count, unsigned width,
                S *memRecord) {
    constexpr unsigned W = kMaxChunkNeurons<S>;
    ChunkParam<SharedParams, W, S> b, th, g;
    S u0[W];
    loadChunkParams(decay, threshold, graded, first, count, b, th, g);
    for (unsigned v = 0; v < count; ++v)
      u0[v] = memInit[first + v];
    // memRecord[t*width + v] = U_t; with reset_delay=False (two planes), the
    // second plane, preRecord, holds V_t. With one plane it is not formed:
    // the scratch ends where it would start.
    S *preRecord =
        kPlanes == 2 ? memRecord + std::size_t(numSteps) * width : memRecord;

    // Recompute the chunk's states.
    S u[W];
    for (unsigned v = 0; v < count; ++v)
      u[v] = u0[v];
    for (unsigned t = 0; t < numSteps; ++t) {
      const auto in = current[t];
      S *memRow = memRecord + std::size_t(t) * width;
      S *preRow = preRecord + std::size_t(t) * width; // memRow with one plane
      S converted[W];
      const S *x = runAsState<S>(in, first, count, converted);
      // The input row kTouchAheadSteps steps on (the last one near the end).
      const auto nextIn = current[t + kTouchAheadSteps < numSteps
                                      ? t + kTouchAheadSteps
                                      : numSteps - 1];
      const auto touchNext = [&](unsigned v) { touchRow(nextIn, first + v); };
      forEachLine<S>(count, touchNext, [&](unsigned v) {
        const auto step = lifStep<ResetMode, ResetDelay>(
            u[v], x[v], LifParams<S>{b[v], th[v], g[v]});
        u[v] = step.mem;
        memRow[v] = step.mem;
        if constexpr (kPlanes == 2)
          preRow[v] = step.preReset;
      });
    }

    // Reverse pass: carry[v] is dL/dU_t flowing back from step t+1.
    const SurrogateConstants<S> constants{surrogateA, surrogateB};
    S carry[W], gb[W], gth[W], gg[W], gxSum[W];
    for (unsigned v = 0; v < count; ++v)
      carry[v] = gradMemFinal[first + v];
    for (unsigned v = 0; v < count; ++v) {
      gb[v] = S(0);
      gth[v] = S(0);
      gg[v] = S(0);
      gxSum[v] = S(0);
    }
    // The reverse pass over the chunk. Whether the parameter sums are wanted
    // and whether the current is constant (its gradient summed over steps
    // rather than stored per step) are compile-time switches, so that the
    // inner loop carries only the arithmetic and memory traffic it needs.
    auto reversePass = [&](auto withParamGrads, auto withConstantCurrent) {
      constexpr bool kParamGrads = decltype(withParamGrads)::value;
      constexpr bool kConstantCurrent = decltype(withConstantCurrent)::value;
      for (unsigned t = numSteps; t-- > 0;) {
        S gsBuffer[W], gmBuffer[W], gx[W];
        const S *gs = runAsState<S>(gradSpikes[t], first, count, gsBuffer);
        const S *gm = runAsState<S>(gradMem[t], first, count, gmBuffer);
        const S *prevRow = t > 0 ? memRecord + std::size_t(t - 1) * width : u0;
        const S *preRow = preRecord + std::size_t(t) * width;
        // The rows kTouchAheadSteps steps back (the first step's near t = 0).
        const unsigned prev = t >= kTouchAheadSteps ? t - kTouchAheadSteps : 0;
        const auto prevGradSpikes = gradSpikes[prev];
        const auto prevGradMem = gradMem[prev];
        const auto prevGradCurrent = gradCurrent[kConstantCurrent ? 0 : prev];
        const auto touchPrevious = [&](unsigned v) {
          touchRow(prevGradSpikes, first + v);
          touchRow(prevGradMem, first + v);
          if constexpr (!kConstantCurrent)
            touchRow(prevGradCurrent, first + v);
        };
        forEachLine<S>(count, touchPrevious, [&](unsigned v) {
          const S gradMemTotal = carry[v] + gm[v];
          const auto grad = lifStepGrad<ResetMode, ResetDelay, Surrogate>(
              prevRow[v], preRow[v], gradMemTotal, gs[v],
              LifParams<S>{b[v], th[v], g[v]}, constants);
          if constexpr (kConstantCurrent)
            gxSum[v] += grad.pre;
          else
            gx[v] = grad.pre;
          carry[v] = grad.memPrev;
          if constexpr (kParamGrads) {
            gb[v] += grad.decay;
            gth[v] += grad.threshold;
            gg[v] += grad.graded;
          }
        });
        if constexpr (!kConstantCurrent)
          storeRun<FPType>(gradCurrent[t], first, gx, count);
      }
    };
    if (paramGrads) {
      if (constantCurrent)
        reversePass(std::true_type{}, std::true_type{});
      else
        reversePass(std::true_type{}, std::false_type{});
    } else {
      if (constantCurrent)
        reversePass(std::false_type{}, std::true_type{});
      else
        reversePass(std::false_type{}, std::false_type{});
    }
    if (constantCurrent)
      storeRun<FPType>(gradCurrent[0], first, gxSum, count);
    storeRun<S>(gradMemInit, first, carry, count);
    if (paramGrads) {
      storeRun<S>(gradDecay, first, gb, count);
      storeRun<S>(gradThreshold, first, gth, count);
      storeRun<S>(gradGraded, first, gg, count);
    }
  }
};

#define SNN_IPU_INSTANTIATE_LIF_BACKWARD_MODES(FPType, Surrogate)              \
  template class LifBackward<FPType, kResetSubtract, true, Surrogate>;         \
  template class LifBackward<FPType, kResetSubtract, false, Surrogate>;        \
  template class LifBackward<FPType, kResetZero, true, Surrogate>;             \
  template class LifBackward<FPType, kResetZero, false, Surrogate>;            \
  template class LifBackward<FPType, kResetNone, true, Surrogate>;

#define SNN_IPU_INSTANTIATE_LIF_BACKWARD(FPType)                               \
  SNN_IPU_INSTANTIATE_LIF_BACKWARD_MODES(FPType, kSurrogateATan)               \
  SNN_IPU_INSTANTIATE_LIF_BACKWARD_MODES(FPType, kSurrogateFastSigmoid)        \
  SNN_IPU_INSTANTIATE_LIF_BACKWARD_MODES(FPType, kSurrogateSigmoid)            \
  SNN_IPU_INSTANTIATE_LIF_BACKWARD_MODES(FPType, kSurrogateStraightThrough)    \
  SNN_IPU_INSTANTIATE_LIF_BACKWARD_MODES(FPType, kSurrogateHeaviside)          \
  SNN_IPU_INSTANTIATE_LIF_BACKWARD_MODES(FPType, kSurrogateTriangular)         \
  SNN_IPU_INSTANTIATE_LIF_BACKWARD_MODES(FPType, kSurrogateSpikeRateEscape)    \
  SNN_IPU_INSTANTIATE_LIF_BACKWARD_MODES(FPType, kSurrogateSparseFastSigmoid)

SNN_IPU_INSTANTIATE_LIF_BACKWARD(float)
SNN_IPU_INSTANTIATE_LIF_BACKWARD(half)

SNN_IPU_VARIANT_END
} // namespace snn_ipu
