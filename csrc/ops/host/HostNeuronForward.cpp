// Host runner for the NeuronForward vertex family: the codelet source below is
// the one popc compiles for the IPU, built here against the host shim.
#include "codelets/NeuronForward.hpp"

#include <vector>

#include "ops/host/HostConnect.hpp"
#include "ops/host/HostDispatch.hpp"
#include "ops/host/HostNeuron.hpp"
#include "ops/host/HostRunner.hpp"
#include "ops/runtime/SharedZeros.hpp"

namespace snn_ipu {

// The vertices' chunk arrays hold the chunks hostPlan asks for.
static_assert(kMaxChunkNeurons<float> == kHostChunkNeurons<float> &&
                  kMaxChunkNeurons<double> == kHostChunkNeurons<double>,
              "the host shim build walks host-sized chunks");

namespace {

// One vertex's edge tables (the vertex points into them while it runs).
template <typename FP, typename S> struct ForwardEdges {
  std::vector<Edge<const S *>> init, params;
  std::vector<Edge<FP *>> records;
  std::vector<Edge<S *>> finals;
};

template <unsigned M, typename FP, unsigned ResetMode, bool ResetDelay,
          bool RecordStates>
void runForward(const NeuronForwardArgs &a, const HostRunOptions &run) {
  using S = StateType<FP>;
  constexpr ModelShape shape = modelShape(M);
  // No scratch: the forward walks the longest chunks (benchmarks/RESULTS.md,
  // "Chunks sized by what each direction keeps").
  const LifPlan plan = hostPlan(M, a.numSteps, a.numNeurons, a.type, run, 0);
  const std::uint64_t T = a.numSteps, N = a.numNeurons;
  FP *spikes = static_cast<FP *>(a.spikes);
  const auto records = typedPointers<FP *>(a.records, RecordStates ? shape.recorded : 0);
  const auto finals = typedPointers<S *>(a.stateFinal, shape.states);
  if (run.debug) {
    fillNaN<FP>(spikes, T * N);
    for (FP *record : records)
      fillNaN<FP>(record, T * N);
    for (S *final : finals)
      fillNaN<S>(final, N);
  }

  const bool stream = streamOutput(T * N * sizeof(FP));
  // An absent initial state reads the shared zeros.
  bool allInit = true;
  for (unsigned k = 0; k < shape.states; ++k)
    allInit = allInit && a.stateInit[k] != nullptr;
  const ZeroBuffer zeros =
      allInit ? ZeroBuffer() : ZeroBuffer(plan.neuronsPerTile * sizeof(S));
  std::vector<NeuronForward<M, FP, ResetMode, ResetDelay, RecordStates>> vertices(
      plan.tilesUsed);
  std::vector<ForwardEdges<FP, S>> edges(plan.tilesUsed);
  for (std::uint64_t tile = 0; tile < plan.tilesUsed; ++tile) {
    auto &v = vertices[tile];
    auto &e = edges[tile];
    const std::uint64_t begin = plan.tileBegin(tile);
    const std::uint64_t count = plan.tileNeurons(tile);
    connectLayerInputs<FP, S>(v, a, plan, begin, count, zeros.as<S>(), e.init,
                              e.params);
    connectRows(v.spikes, spikes, begin, count, N, T, stream);
    if constexpr (RecordStates)
      connectStacked<decltype(v.records), FP *>(v.records, records, nullptr, begin,
                                                count, N, T, e.records, stream);
    e.finals = vectorEdges<S *>(finals.data(), shape.states, nullptr, begin, count);
    connectEdges(v.stateFinal, e.finals);
  }
  runVertices(plan, vertices, run);
}

} // namespace

void hostNeuronForward(const NeuronForwardArgs &a, const NeuronOptions &o,
                       const HostRunOptions &run) {
  withModel(o.model, [&](auto model) {
    constexpr unsigned M = decltype(model)::id;
    withElementType(a.type, [&](auto fp) {
      using FP = typename decltype(fp)::type;
      withResetMode<M>(o.resetMode, o.resetDelay, [&](auto reset) {
        using R = decltype(reset);
        if (a.records[0] != nullptr)
          runForward<M, FP, R::mode, R::delay, true>(a, run);
        else
          runForward<M, FP, R::mode, R::delay, false>(a, run);
      });
    });
  });
}

} // namespace snn_ipu
