// Host runner for the LifBackward vertex family: the codelet source below is
// the one popc compiles for the IPU, built here against the host shim.
#include "../codelets/LifBackward.cpp"

#include <algorithm>
#include <vector>

#include "HostConnect.hpp"
#include "HostDispatch.hpp"
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
    connectLayerInputs<FP, S>(v, a, plan, begin, count);
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
    v.constantCurrent = a.constantCurrent ? 1 : 0;
    v.paramGrads = paramGrads ? 1 : 0;
    v.surrogateA = static_cast<S>(o.surrogateA);
    v.surrogateB = static_cast<S>(o.surrogateB);
  }
  runVertices(plan, vertices, run);
}

} // namespace

void hostLifBackward(const LifBackwardArgs &a, const LifOptions &o,
                     const HostRunOptions &run) {
  withElementType(a.type, [&](auto fp) {
    using FP = typename decltype(fp)::type;
    withSurrogate(o.surrogate, [&](auto surrogate) {
      withResetMode(o.resetMode, o.resetDelay, [&](auto reset) {
        using R = decltype(reset);
        runBackward<FP, R::mode, R::delay, decltype(surrogate)::value>(a, o, run);
      });
    });
  });
}

} // namespace snn_ipu
