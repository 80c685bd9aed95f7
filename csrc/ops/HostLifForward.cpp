// Host runner for the LifForward vertex family: the codelet source below is
// the one popc compiles for the IPU, built here against the host shim.
#include "../codelets/LifForward.cpp"

#include <vector>

#include "HostConnect.hpp"
#include "HostLif.hpp"
#include "HostRunner.hpp"

namespace snn_ipu {

namespace {

template <typename FP, unsigned ResetMode, bool ResetDelay>
void runForward(const LifForwardArgs &a, const HostRunOptions &run) {
  using S = StateType<FP>;
  const LifPlan plan = hostPlan(a.numSteps, a.numNeurons, a.type, run);
  const std::uint64_t T = a.numSteps, N = a.numNeurons;
  const FP *current = static_cast<const FP *>(a.current);
  const S *memInit = static_cast<const S *>(a.memInit);
  FP *spikes = static_cast<FP *>(a.spikes);
  FP *mem = static_cast<FP *>(a.mem);
  if (run.debug) {
    fillNaN<FP>(spikes, T * N);
    fillNaN<FP>(mem, T * N);
  }

  std::vector<LifForward<FP, ResetMode, ResetDelay>> vertices(plan.tilesUsed);
  for (std::uint64_t tile = 0; tile < plan.tilesUsed; ++tile) {
    auto &v = vertices[tile];
    const std::uint64_t begin = plan.tileBegin(tile);
    const std::uint64_t count = plan.tileNeurons(tile);
    connectRows(v.current, current, begin, count, N, T);
    connectSlice(v.memInit, memInit, begin, count);
    connectParam<decltype(v.decay), S>(v.decay, a.params.decay,
                                       a.params.decaySize, begin, count);
    connectParam<decltype(v.threshold), S>(v.threshold, a.params.threshold,
                                           a.params.thresholdSize, begin, count);
    connectParam<decltype(v.graded), S>(v.graded, a.params.graded,
                                        a.params.gradedSize, begin, count);
    connectRows(v.spikes, spikes, begin, count, N, T);
    connectRows(v.mem, mem, begin, count, N, T);
    v.numSteps = static_cast<unsigned>(T);
    v.numNeurons = static_cast<unsigned>(count);
  }
  runVertices(plan, vertices, run);
}

template <typename FP>
void dispatchReset(const LifForwardArgs &a, const LifOptions &o,
                   const HostRunOptions &run) {
  switch (o.resetMode) {
  case kResetSubtract:
    return o.resetDelay ? runForward<FP, kResetSubtract, true>(a, run)
                        : runForward<FP, kResetSubtract, false>(a, run);
  case kResetZero:
    return o.resetDelay ? runForward<FP, kResetZero, true>(a, run)
                        : runForward<FP, kResetZero, false>(a, run);
  case kResetNone:
    return runForward<FP, kResetNone, true>(a, run);
  default:
    throw std::invalid_argument("unknown reset mode");
  }
}

} // namespace

void hostLifForward(const LifForwardArgs &a, const LifOptions &o,
                    const HostRunOptions &run) {
  switch (a.type) {
  case ElementType::Half:
    return dispatchReset<half>(a, o, run);
  case ElementType::Float:
    return dispatchReset<float>(a, o, run);
  case ElementType::Double:
    return dispatchReset<double>(a, o, run);
  }
}

} // namespace snn_ipu
