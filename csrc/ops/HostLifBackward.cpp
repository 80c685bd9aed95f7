// Host runner for the LifBackward vertex family: the codelet source below is
// the one popc compiles for the IPU, built here against the host shim.
#include "../codelets/LifBackward.cpp"

#include <algorithm>
#include <vector>

#include "HostConnect.hpp"
#include "HostLif.hpp"
#include "HostRunner.hpp"

namespace snn_ipu {

namespace {

template <typename FP, unsigned ResetMode, bool ResetDelay, unsigned Surrogate>
void runBackward(const LifBackwardArgs &a, const LifOptions &o,
                 const HostRunOptions &run) {
  using S = StateType<FP>;
  const LifPlan plan = hostPlan(a.numSteps, a.numNeurons, a.type, run);
  const std::uint64_t T = a.numSteps, N = a.numNeurons;
  const FP *current = static_cast<const FP *>(a.current);
  const S *memInit = static_cast<const S *>(a.memInit);
  FP *gradCurrent = static_cast<FP *>(a.gradCurrent);
  S *gradMemInit = static_cast<S *>(a.gradMemInit);
  S *gradDecay = static_cast<S *>(a.gradDecay);
  S *gradThreshold = static_cast<S *>(a.gradThreshold);
  S *gradGraded = static_cast<S *>(a.gradGraded);
  const std::uint64_t currentRows = a.constantCurrent ? 1 : T;
  const bool paramGrads = gradDecay != nullptr;
  if (run.debug) {
    fillNaN<FP>(gradCurrent, currentRows * N);
    for (S *perNeuron : {gradMemInit, gradDecay, gradThreshold, gradGraded})
      if (perNeuron != nullptr)
        fillNaN<S>(perNeuron, N);
  }

  // An absent upstream gradient reads one row of zeros at every step.
  std::vector<FP> zeroRow;
  if (a.gradSpikes == nullptr || a.gradMem == nullptr)
    zeroRow.assign(plan.neuronsPerTile, FP(0));
  std::vector<S> zeroState;
  if (a.gradMemFinal == nullptr)
    zeroState.assign(plan.neuronsPerTile, S(0));
  const S *gradMemFinal = static_cast<const S *>(a.gradMemFinal);
  const FP *gradSpikes = static_cast<const FP *>(a.gradSpikes);
  const FP *gradMem = static_cast<const FP *>(a.gradMem);

  const std::uint64_t scratchPerTile = plan.backwardScratchElements;
  std::vector<S> scratch(scratchPerTile * plan.tilesUsed);

  const bool stream = streamOutput(currentRows * N * sizeof(FP));
  std::vector<LifBackward<FP, ResetMode, ResetDelay, Surrogate>> vertices(
      plan.tilesUsed);
  for (std::uint64_t tile = 0; tile < plan.tilesUsed; ++tile) {
    auto &v = vertices[tile];
    const std::uint64_t begin = plan.tileBegin(tile);
    const std::uint64_t count = plan.tileNeurons(tile);
    connectRows(v.current, current, begin, count, a.constantCurrent ? 0 : N, T);
    if (gradSpikes != nullptr)
      connectRows(v.gradSpikes, gradSpikes, begin, count, N, T);
    else
      connectRows(v.gradSpikes, zeroRow.data(), 0, count, 0, T);
    if (gradMem != nullptr)
      connectRows(v.gradMem, gradMem, begin, count, N, T);
    else
      connectRows(v.gradMem, zeroRow.data(), 0, count, 0, T);
    if (gradMemFinal != nullptr)
      connectSlice(v.gradMemFinal, gradMemFinal, begin, count);
    else
      connectSlice(v.gradMemFinal, zeroState.data(), 0, count);
    connectSlice(v.memInit, memInit, begin, count);
    connectParam<decltype(v.decay), S>(v.decay, a.params.decay,
                                       a.params.decaySize, begin, count);
    connectParam<decltype(v.threshold), S>(v.threshold, a.params.threshold,
                                           a.params.thresholdSize, begin, count);
    connectParam<decltype(v.graded), S>(v.graded, a.params.graded,
                                        a.params.gradedSize, begin, count);
    connectRows(v.gradCurrent, gradCurrent, begin, count, N, currentRows,
                stream);
    connectSlice(v.gradMemInit, gradMemInit, begin, count);
    if (paramGrads) { // else left unconnected: the vertex does not write them
      connectSlice(v.gradDecay, gradDecay, begin, count);
      connectSlice(v.gradThreshold, gradThreshold, begin, count);
      connectSlice(v.gradGraded, gradGraded, begin, count);
    }
    connectSlice(v.scratch, scratch.data(), tile * scratchPerTile,
                 scratchPerTile);
    // 32-bit vertex fields, as on the IPU; both fit: planLif refuses a tile
    // of 2^31 neurons and a backward scratch (>= 12 * T) of 2^31 elements.
    // Offsets into the [T, N] tensors are formed in 64 bits.
    v.numSteps = static_cast<unsigned>(T);
    v.numNeurons = static_cast<unsigned>(count);
    v.chunkNeurons = plan.chunkNeurons;
    v.constantCurrent = a.constantCurrent ? 1 : 0;
    v.paramGrads = paramGrads ? 1 : 0;
    v.surrogateA = static_cast<S>(o.surrogateA);
    v.surrogateB = static_cast<S>(o.surrogateB);
  }
  runVertices(plan, vertices, run);
}

template <typename FP, unsigned Surrogate>
void dispatchReset(const LifBackwardArgs &a, const LifOptions &o,
                   const HostRunOptions &run) {
  switch (o.resetMode) {
  case kResetSubtract:
    return o.resetDelay
               ? runBackward<FP, kResetSubtract, true, Surrogate>(a, o, run)
               : runBackward<FP, kResetSubtract, false, Surrogate>(a, o, run);
  case kResetZero:
    return o.resetDelay
               ? runBackward<FP, kResetZero, true, Surrogate>(a, o, run)
               : runBackward<FP, kResetZero, false, Surrogate>(a, o, run);
  case kResetNone:
    return runBackward<FP, kResetNone, true, Surrogate>(a, o, run);
  default:
    throw std::invalid_argument("unknown reset mode");
  }
}

template <typename FP>
void dispatchSurrogate(const LifBackwardArgs &a, const LifOptions &o,
                       const HostRunOptions &run) {
  switch (o.surrogate) {
  case kSurrogateATan:
    return dispatchReset<FP, kSurrogateATan>(a, o, run);
  case kSurrogateFastSigmoid:
    return dispatchReset<FP, kSurrogateFastSigmoid>(a, o, run);
  case kSurrogateSigmoid:
    return dispatchReset<FP, kSurrogateSigmoid>(a, o, run);
  case kSurrogateStraightThrough:
    return dispatchReset<FP, kSurrogateStraightThrough>(a, o, run);
  case kSurrogateHeaviside:
    return dispatchReset<FP, kSurrogateHeaviside>(a, o, run);
  case kSurrogateTriangular:
    return dispatchReset<FP, kSurrogateTriangular>(a, o, run);
  case kSurrogateSpikeRateEscape:
    return dispatchReset<FP, kSurrogateSpikeRateEscape>(a, o, run);
  case kSurrogateSparseFastSigmoid:
    return dispatchReset<FP, kSurrogateSparseFastSigmoid>(a, o, run);
  default:
    throw std::invalid_argument("unknown surrogate id");
  }
}

} // namespace

void hostLifBackward(const LifBackwardArgs &a, const LifOptions &o,
                     const HostRunOptions &run) {
  switch (a.type) {
  case ElementType::Half:
    return dispatchSurrogate<half>(a, o, run);
  case ElementType::Float:
    return dispatchSurrogate<float>(a, o, run);
  case ElementType::Double:
    return dispatchSurrogate<double>(a, o, run);
  }
}

} // namespace snn_ipu
