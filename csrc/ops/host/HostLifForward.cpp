// Host runner for the LifForward vertex family: the codelet source below is
// the one popc compiles for the IPU, built here against the host shim.
#include "codelets/LifForward.cpp"

#include <vector>

#include "ops/host/HostConnect.hpp"
#include "ops/host/HostDispatch.hpp"
#include "ops/host/HostLif.hpp"
#include "ops/host/HostRunner.hpp"
#include "ops/runtime/SharedZeros.hpp"

namespace snn_ipu {

namespace {

template <typename FP, unsigned ResetMode, bool ResetDelay, bool RecordMem>
void runForward(const LifForwardArgs &a, const HostRunOptions &run) {
  using S = StateType<FP>;
  const LifPlan plan = hostPlan(a.numSteps, a.numNeurons, a.type, run);
  const std::uint64_t T = a.numSteps, N = a.numNeurons;
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
  // Without an initial membrane every vertex starts from the shared zeros.
  const ZeroBuffer zeros = a.memInit != nullptr
                               ? ZeroBuffer()
                               : ZeroBuffer(plan.neuronsPerTile * sizeof(S));
  std::vector<LifForward<FP, ResetMode, ResetDelay, RecordMem>> vertices(
      plan.tilesUsed);
  for (std::uint64_t tile = 0; tile < plan.tilesUsed; ++tile) {
    auto &v = vertices[tile];
    const std::uint64_t begin = plan.tileBegin(tile);
    const std::uint64_t count = plan.tileNeurons(tile);
    connectLayerInputs<FP, S>(v, a, plan, begin, count, zeros.as<S>());
    connectRows(v.spikes, spikes, begin, count, N, T, stream);
    if (RecordMem)
      connectRows(v.mem, mem, begin, count, N, T, stream);
    connectSlice(v.memFinal, memFinal, begin, count);
  }
  runVertices(plan, vertices, run);
}

} // namespace

void hostLifForward(const LifForwardArgs &a, const LifOptions &o,
                    const HostRunOptions &run) {
  withElementType(a.type, [&](auto fp) {
    using FP = typename decltype(fp)::type;
    withResetMode(o.resetMode, o.resetDelay, [&](auto reset) {
      using R = decltype(reset);
      if (a.mem != nullptr)
        runForward<FP, R::mode, R::delay, true>(a, run);
      else
        runForward<FP, R::mode, R::delay, false>(a, run);
    });
  });
}

} // namespace snn_ipu
