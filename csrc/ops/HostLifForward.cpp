// Host runner for the LifForward vertex family: the codelet source below is
// the one popc compiles for the IPU, built here against the host shim.
#include "../codelets/LifForward.cpp"

#include <vector>

#include "HostConnect.hpp"
#include "HostLif.hpp"
#include "HostRunner.hpp"

namespace snn_ipu {

namespace {

template <typename FP, unsigned ResetMode, bool ResetDelay, bool RecordMem>
void runForward(const LifForwardArgs &a, const HostRunOptions &run) {
  using S = StateType<FP>;
  const LifPlan plan = hostPlan(a.numSteps, a.numNeurons, a.type, run);
  const std::uint64_t T = a.numSteps, N = a.numNeurons;
  const FP *current = static_cast<const FP *>(a.current);
  const S *memInit = static_cast<const S *>(a.memInit);
  FP *spikes = static_cast<FP *>(a.spikes);
  FP *mem = static_cast<FP *>(a.mem);
  S *memFinal = static_cast<S *>(a.memFinal);
  if (run.debug) {
    fillNaN<FP>(spikes, T * N);
    if (RecordMem)
      fillNaN<FP>(mem, T * N);
    fillNaN<S>(memFinal, N);
  }

  const bool stream = streamOutput(T * N * sizeof(FP));
  std::vector<LifForward<FP, ResetMode, ResetDelay, RecordMem>> vertices(
      plan.tilesUsed);
  for (std::uint64_t tile = 0; tile < plan.tilesUsed; ++tile) {
    auto &v = vertices[tile];
    const std::uint64_t begin = plan.tileBegin(tile);
    const std::uint64_t count = plan.tileNeurons(tile);
    connectRows(v.current, current, begin, count, a.constantCurrent ? 0 : N, T);
    connectSlice(v.memInit, memInit, begin, count);
    connectParam<decltype(v.decay), S>(v.decay, a.params.decay,
                                       a.params.decaySize, begin, count);
    connectParam<decltype(v.threshold), S>(v.threshold, a.params.threshold,
                                           a.params.thresholdSize, begin, count);
    connectParam<decltype(v.graded), S>(v.graded, a.params.graded,
                                        a.params.gradedSize, begin, count);
    connectRows(v.spikes, spikes, begin, count, N, T, stream);
    if (RecordMem)
      connectRows(v.mem, mem, begin, count, N, T, stream);
    connectSlice(v.memFinal, memFinal, begin, count);
    // 32-bit vertex fields, as on the IPU; both fit: planLif refuses a tile
    // of 2^31 neurons and a backward scratch (>= 12 * T) of 2^31 elements.
    // Offsets into the [T, N] tensors are formed in 64 bits.
    v.numSteps = static_cast<unsigned>(T);
    v.numNeurons = static_cast<unsigned>(count);
    v.chunkNeurons = plan.chunkNeurons;
  }
  runVertices(plan, vertices, run);
}

template <typename FP, bool RecordMem>
void dispatchReset(const LifForwardArgs &a, const LifOptions &o,
                   const HostRunOptions &run) {
  switch (o.resetMode) {
  case kResetSubtract:
    return o.resetDelay ? runForward<FP, kResetSubtract, true, RecordMem>(a, run)
                        : runForward<FP, kResetSubtract, false, RecordMem>(a, run);
  case kResetZero:
    return o.resetDelay ? runForward<FP, kResetZero, true, RecordMem>(a, run)
                        : runForward<FP, kResetZero, false, RecordMem>(a, run);
  case kResetNone:
    return runForward<FP, kResetNone, true, RecordMem>(a, run);
  default:
    throw std::invalid_argument("unknown reset mode");
  }
}

template <typename FP>
void dispatchRecord(const LifForwardArgs &a, const LifOptions &o,
                    const HostRunOptions &run) {
  return a.mem != nullptr ? dispatchReset<FP, true>(a, o, run)
                          : dispatchReset<FP, false>(a, o, run);
}

} // namespace

void hostLifForward(const LifForwardArgs &a, const LifOptions &o,
                    const HostRunOptions &run) {
  switch (a.type) {
  case ElementType::Half:
    return dispatchRecord<half>(a, o, run);
  case ElementType::Float:
    return dispatchRecord<float>(a, o, run);
  case ElementType::Double:
    return dispatchRecord<double>(a, o, run);
  }
}

} // namespace snn_ipu
