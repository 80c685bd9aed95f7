// Host runner for the NeuronBackward vertex family, a template per model: each
// model's instantiations are compiled in a translation unit of their own
// (HostNeuronBackward<Model>.cpp), in parallel, and hostNeuronBackward
// (HostNeuronBackward.cpp) picks one. Internal to the host backend.
#pragma once

#include "codelets/NeuronBackward.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <type_traits>
#include <vector>

#include "ops/host/HostConnect.hpp"
#include "ops/host/HostDispatch.hpp"
#include "ops/host/HostNeuron.hpp"
#include "ops/host/HostRunner.hpp"
#include "ops/runtime/OutputPool.hpp"
#include "ops/runtime/SharedZeros.hpp"

namespace snn_ipu {

// Runs model M's backward (the per-model translation units define it).
template <unsigned M>
void hostModelBackward(const NeuronBackwardArgs &a, const NeuronOptions &o,
                       const HostRunOptions &run);

// Model M's backward when the spikes feed a Linear layer (Leaky only).
void hostLeakyBackwardThroughLinear(const NeuronBackwardArgs &a,
                                    const NeuronOptions &o,
                                    const HostRunOptions &run);

namespace detail {

// What every backward vertex of a layer is connected to, apart from its
// upstream spike gradient and its scratch: the layer's inputs and outputs,
// the zeros that absent inputs (initial states, upstream gradients) read,
// and, for initial-state gradients nobody wants, buffers that take them (the
// vertices always write them).
template <unsigned M, typename FP> class BackwardLayer {
  using S = StateType<FP>;
  static constexpr ModelShape kShape = modelShape(M);

public:
  // One vertex's edge tables (the vertex points into them while it runs).
  struct Edges {
    std::vector<Edge<const S *>> init, params, gradFinal;
    std::vector<Edge<const FP *>> gradRecords;
    std::vector<Edge<S *>> gradInit, gradParams;
  };

  BackwardLayer(const NeuronBackwardArgs &a, const NeuronOptions &o,
                const LifPlan &plan, std::uint64_t maxVertexNeurons)
      : a_(a), o_(o), plan_(plan),
        currentRows_(a.constantCurrent ? 1 : a.numSteps),
        paramGrads_(a.paramGradsWanted()),
        stream_(streamOutput(currentRows_ * a.numNeurons * sizeof(FP))),
        gradRecords_(typedPointers<const FP *>(a.gradRecords, kShape.recorded)),
        gradFinal_(typedPointers<const S *>(a.gradStateFinal, kShape.states)),
        gradParams_(typedPointers<S *>(a.gradParams, kShape.params)) {
    // An absent upstream gradient reads one row of zeros at every step.
    bool allRows = a.gradSpikes != nullptr || a.linearGrad != nullptr;
    for (const FP *g : gradRecords_)
      allRows = allRows && g != nullptr;
    if (!allRows)
      zeroRow_ = ZeroBuffer(maxVertexNeurons * sizeof(FP));
    bool allStates = true;
    for (unsigned k = 0; k < kShape.states; ++k)
      allStates = allStates && a.gradStateFinal[k] != nullptr && a.stateInit[k] != nullptr;
    if (!allStates)
      zeroState_ = ZeroBuffer(maxVertexNeurons * sizeof(S));
    // Indexed by neuron like a wanted one, so that vertices running at the
    // same time write disjoint parts.
    bool allInitGrads = true;
    for (unsigned k = 0; k < kShape.states; ++k)
      allInitGrads = allInitGrads && a.gradStateInit[k] != nullptr;
    if (!allInitGrads)
      unwanted_.emplace(kShape.states * a.numNeurons * sizeof(S));
    for (unsigned k = 0; k < kShape.states; ++k)
      gradInit_.push_back(a.gradStateInit[k] != nullptr
                              ? static_cast<S *>(a.gradStateInit[k])
                              : unwanted_->as<S>() + k * a.numNeurons);
  }

  // Debug mode: every output starts as NaN, so that one the vertices leave
  // unwritten, or read before writing, shows.
  void poisonOutputs() const {
    fillNaN<FP>(a_.gradCurrent, currentRows_ * a_.numNeurons);
    for (S *grad : gradInit_)
      fillNaN<S>(grad, a_.numNeurons);
    for (S *grad : gradParams_)
      if (grad != nullptr)
        fillNaN<S>(grad, a_.numNeurons);
  }

  // Connects `v` to neurons [begin, begin + count). Their upstream spike
  // gradient is rows of `spikeRowStride` elements from `spikeRows` (null:
  // zeros). Its scratch is not connected: the host runner gives each worker
  // call a scratch of its own (runVerticesWithScratch).
  template <typename VertexT>
  void connect(VertexT &v, Edges &e, std::uint64_t begin, std::uint64_t count,
               const FP *spikeRows, std::uint64_t spikeRowStride) const {
    const std::uint64_t T = a_.numSteps, N = a_.numNeurons;
    connectLayerInputs<FP, S>(v, a_, plan_, begin, count, zeroState_.as<S>(),
                              e.init, e.params);
    if (spikeRows != nullptr)
      connectRows(v.gradSpikes, spikeRows, 0, count, spikeRowStride, T);
    else
      connectRows(v.gradSpikes, zeroRow_.as<FP>(), 0, count, 0, T);
    connectStacked<decltype(v.gradRecords), const FP *>(
        v.gradRecords, gradRecords_, zeroRow_.as<FP>(), begin, count, N, T,
        e.gradRecords);
    e.gradFinal = vectorEdges<const S *>(gradFinal_.data(), kShape.states,
                                         zeroState_.as<S>(), begin, count);
    connectEdges(v.gradStateFinal, e.gradFinal);
    connectRows(v.gradCurrent, static_cast<FP *>(a_.gradCurrent), begin, count, N,
                currentRows_, stream_);
    e.gradInit = vectorEdges<S *>(gradInit_.data(), kShape.states, nullptr, begin,
                                  count);
    connectEdges(v.gradStateInit, e.gradInit);
    if (paramGrads_) // else no edges: the vertex does not write them
      e.gradParams = vectorEdges<S *>(gradParams_.data(), kShape.params, nullptr,
                                      begin, count);
    connectEdges(v.gradParams, e.gradParams);
    v.constantCurrent = a_.constantCurrent ? 1 : 0;
    v.paramGrads = paramGrads_ ? 1 : 0;
    v.surrogate = o_.surrogate;
    v.surrogateA = static_cast<S>(o_.surrogateA);
    v.surrogateB = static_cast<S>(o_.surrogateB);
  }

private:
  const NeuronBackwardArgs &a_;
  const NeuronOptions &o_;
  const LifPlan &plan_;
  std::uint64_t currentRows_;
  bool paramGrads_;
  bool stream_;
  std::vector<const FP *> gradRecords_;
  std::vector<const S *> gradFinal_;
  std::vector<S *> gradParams_;
  ZeroBuffer zeroRow_;
  ZeroBuffer zeroState_;
  std::optional<PoolBuffer> unwanted_;
  std::vector<S *> gradInit_; // the caller's, or parts of unwanted_
};

// The host plan of a backward call of `Vertex` (a NeuronBackward): chunks as
// long as the planes its recompute stores for this call allow (fewer without
// the parameters' gradients).
template <class Vertex>
LifPlan backwardHostPlan(unsigned model, const NeuronBackwardArgs &a,
                         const HostRunOptions &run) {
  return hostPlan(model, a.numSteps, a.numNeurons, a.type, run,
                  Vertex::storedPlanes(a.paramGradsWanted()));
}

template <unsigned M, typename FP, unsigned ResetMode, bool ResetDelay,
          unsigned Surrogate>
void runBackward(const NeuronBackwardArgs &a, const NeuronOptions &o,
                 const HostRunOptions &run) {
  using S = StateType<FP>;
  using Layer = BackwardLayer<M, FP>;
  using Vertex = NeuronBackward<M, FP, ResetMode, ResetDelay, Surrogate>;
  const LifPlan plan = backwardHostPlan<Vertex>(M, a, run);
  const Layer layer(a, o, plan, plan.neuronsPerTile);
  if (run.debug)
    layer.poisonOutputs();
  const FP *gradSpikes = static_cast<const FP *>(a.gradSpikes);
  // The scratch one vertex worker stores into (the plan's for a tile, over
  // its workers), one per thread (runVerticesWithScratch).
  const std::uint64_t perWorker =
      plan.backwardScratchElements / plan.config.workersPerTile;
  const std::uint64_t scratchElements = perWorker * scratchSlots(plan, run);
  // Not zeroed: every vertex writes its scratch before reading it (in debug
  // mode it starts as NaN, so that a read before the write would show).
  const PoolBuffer scratch(scratchElements * sizeof(S));
  if (run.debug)
    fillNaN<S>(scratch.as<S>(), scratchElements);
  std::vector<Vertex> vertices(plan.tilesUsed);
  std::vector<typename Layer::Edges> edges(plan.tilesUsed);
  for (std::uint64_t tile = 0; tile < plan.tilesUsed; ++tile) {
    const std::uint64_t begin = plan.tileBegin(tile);
    layer.connect(vertices[tile], edges[tile], begin, plan.tileNeurons(tile),
                  gradSpikes != nullptr ? gradSpikes + begin : nullptr,
                  a.numNeurons);
    if (vertices[tile].storedScratchElements() > perWorker)
      throw std::logic_error("host backward: the plan's scratch is smaller than the vertex's");
  }
  runVerticesWithScratch(plan, vertices, run, scratch.as<S>(), perWorker);
}

} // namespace detail

// Model M's backward over every element type, reset mode and surrogate.
// float64 layers (gradcheck's) read their surrogate's id at run time: one
// instance for all eight.
template <unsigned M>
void hostModelBackward(const NeuronBackwardArgs &a, const NeuronOptions &o,
                       const HostRunOptions &run) {
  withElementType(a.type, [&](auto fp) {
    using FP = typename decltype(fp)::type;
    if constexpr (std::is_same_v<FP, double>) {
      withResetMode<M>(o.resetMode, o.resetDelay, [&](auto reset) {
        using R = decltype(reset);
        detail::runBackward<M, FP, R::mode, R::delay, kSurrogateAny>(a, o, run);
      });
    } else {
      withSurrogate(o.surrogate, [&](auto surrogate) {
        withResetMode<M>(o.resetMode, o.resetDelay, [&](auto reset) {
          using R = decltype(reset);
          detail::runBackward<M, FP, R::mode, R::delay,
                              decltype(surrogate)::value>(a, o, run);
        });
      });
    }
  });
}

// Each model's instantiations live in its own translation unit.
extern template void hostModelBackward<kModelLeaky>(const NeuronBackwardArgs &,
                                                    const NeuronOptions &,
                                                    const HostRunOptions &);
extern template void hostModelBackward<kModelSynaptic>(const NeuronBackwardArgs &,
                                                       const NeuronOptions &,
                                                       const HostRunOptions &);
extern template void hostModelBackward<kModelAlpha>(const NeuronBackwardArgs &,
                                                    const NeuronOptions &,
                                                    const HostRunOptions &);
extern template void hostModelBackward<kModelLapicque>(const NeuronBackwardArgs &,
                                                       const NeuronOptions &,
                                                       const HostRunOptions &);
extern template void hostModelBackward<kModelRLeaky>(const NeuronBackwardArgs &,
                                                     const NeuronOptions &,
                                                     const HostRunOptions &);
extern template void hostModelBackward<kModelRSynaptic>(const NeuronBackwardArgs &,
                                                        const NeuronOptions &,
                                                        const HostRunOptions &);

} // namespace snn_ipu
