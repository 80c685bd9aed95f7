// Host runner for the LifBackward vertex family: the codelet source below is
// the one popc compiles for the IPU, built here against the host shim.
#include "codelets/LifBackward.cpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <type_traits>
#include <vector>

#include "ops/host/HostConnect.hpp"
#include "ops/host/HostDispatch.hpp"
#include "ops/host/HostLif.hpp"
#include "ops/host/HostRunner.hpp"
#include "ops/runtime/OutputPool.hpp"
#include "ops/runtime/SharedZeros.hpp"

namespace snn_ipu {

namespace {

// What every backward vertex of a layer is connected to, apart from its
// upstream spike gradient and its scratch: the layer's inputs and outputs,
// the zeros that absent inputs (initial membrane, upstream gradients) read,
// and, when nobody wants the initial membrane's gradient, a buffer that
// takes it (the vertices always write it).
template <typename FP> class BackwardLayer {
  using S = StateType<FP>;

public:
  BackwardLayer(const LifBackwardArgs &a, const LifOptions &o,
                const LifPlan &plan, std::uint64_t maxVertexNeurons)
      : a_(a), o_(o), plan_(plan),
        currentRows_(a.constantCurrent ? 1 : a.numSteps),
        paramGrads_(a.gradDecay != nullptr),
        stream_(streamOutput(currentRows_ * a.numNeurons * sizeof(FP))) {
    // An absent upstream gradient reads one row of zeros at every step.
    if ((a.gradSpikes == nullptr && a.linearGrad == nullptr) ||
        a.gradMem == nullptr)
      zeroRow_ = ZeroBuffer(maxVertexNeurons * sizeof(FP));
    if (a.gradMemFinal == nullptr || a.memInit == nullptr)
      zeroState_ = ZeroBuffer(maxVertexNeurons * sizeof(S));
    // Indexed by neuron like a wanted one, so that vertices running at the
    // same time write disjoint parts.
    if (a.gradMemInit == nullptr)
      unwantedGradMemInit_.emplace(a.numNeurons * sizeof(S));
    gradMemInit_ = a.gradMemInit != nullptr ? static_cast<S *>(a.gradMemInit)
                                            : unwantedGradMemInit_->as<S>();
  }

  // Debug mode: every output starts as NaN, so that one the vertices leave
  // unwritten, or read before writing, shows.
  void poisonOutputs() const {
    fillNaN<FP>(a_.gradCurrent, currentRows_ * a_.numNeurons);
    for (void *perNeuron : {a_.gradMemInit, a_.gradDecay, a_.gradThreshold,
                            a_.gradGraded})
      if (perNeuron != nullptr)
        fillNaN<S>(perNeuron, a_.numNeurons);
  }

  // Connects `v` to neurons [begin, begin + count). Their upstream spike
  // gradient is rows of `spikeRowStride` elements from `spikeRows` (null:
  // zeros); `scratch` holds the vertex's recomputed membranes.
  template <typename VertexT>
  void connect(VertexT &v, std::uint64_t begin, std::uint64_t count,
               const FP *spikeRows, std::uint64_t spikeRowStride,
               S *scratch, std::uint64_t scratchSize) const {
    const std::uint64_t T = a_.numSteps, N = a_.numNeurons;
    connectLayerInputs<FP, S>(v, a_, plan_, begin, count, zeroState_.as<S>());
    if (spikeRows != nullptr)
      connectRows(v.gradSpikes, spikeRows, 0, count, spikeRowStride, T);
    else
      connectRows(v.gradSpikes, zeroRow_.as<FP>(), 0, count, 0, T);
    if (a_.gradMem != nullptr)
      connectRows(v.gradMem, static_cast<const FP *>(a_.gradMem), begin, count, N, T);
    else
      connectRows(v.gradMem, zeroRow_.as<FP>(), 0, count, 0, T);
    if (a_.gradMemFinal != nullptr)
      connectSlice(v.gradMemFinal, static_cast<const S *>(a_.gradMemFinal), begin, count);
    else
      connectSlice(v.gradMemFinal, zeroState_.as<S>(), 0, count);
    connectRows(v.gradCurrent, static_cast<FP *>(a_.gradCurrent), begin, count, N,
                currentRows_, stream_);
    connectSlice(v.gradMemInit, gradMemInit_, begin, count);
    if (paramGrads_) { // else left unconnected: the vertex does not write them
      connectSlice(v.gradDecay, static_cast<S *>(a_.gradDecay), begin, count);
      connectSlice(v.gradThreshold, static_cast<S *>(a_.gradThreshold), begin, count);
      connectSlice(v.gradGraded, static_cast<S *>(a_.gradGraded), begin, count);
    }
    connectSlice(v.scratch, scratch, 0, scratchSize);
    v.constantCurrent = a_.constantCurrent ? 1 : 0;
    v.paramGrads = paramGrads_ ? 1 : 0;
    v.surrogateA = static_cast<S>(o_.surrogateA);
    v.surrogateB = static_cast<S>(o_.surrogateB);
  }

private:
  const LifBackwardArgs &a_;
  const LifOptions &o_;
  const LifPlan &plan_;
  std::uint64_t currentRows_;
  bool paramGrads_;
  bool stream_;
  ZeroBuffer zeroRow_;
  ZeroBuffer zeroState_;
  std::optional<PoolBuffer> unwantedGradMemInit_;
  S *gradMemInit_; // the caller's, or unwantedGradMemInit_
};

// The scratch one backward vertex indexes: the plan's (workers x T steps
// x one chunk x two planes, what the IPU allocates for either reset_delay),
// cut to the planes this reset_delay keeps.
std::uint64_t vertexScratchElements(const LifPlan &plan, bool resetDelay) {
  return plan.backwardScratchElements / scratchPlanes(false) *
         scratchPlanes(resetDelay);
}

template <typename FP, unsigned ResetMode, bool ResetDelay, unsigned Surrogate>
void runBackward(const LifBackwardArgs &a, const LifOptions &o,
                 const HostRunOptions &run) {
  using S = StateType<FP>;
  const LifPlan plan = hostPlan(a.numSteps, a.numNeurons, a.type, run);
  const BackwardLayer<FP> layer(a, o, plan, plan.neuronsPerTile);
  if (run.debug)
    layer.poisonOutputs();
  const FP *gradSpikes = static_cast<const FP *>(a.gradSpikes);
  const std::uint64_t scratchPerTile = vertexScratchElements(plan, ResetDelay);
  // Not zeroed: every vertex writes its scratch before reading it (in debug
  // mode it starts as NaN, so that a read before the write would show).
  const PoolBuffer scratch(scratchPerTile * plan.tilesUsed * sizeof(S));
  if (run.debug)
    fillNaN<S>(scratch.as<S>(), scratchPerTile * plan.tilesUsed);
  std::vector<LifBackward<FP, ResetMode, ResetDelay, Surrogate>> vertices(
      plan.tilesUsed);
  for (std::uint64_t tile = 0; tile < plan.tilesUsed; ++tile) {
    const std::uint64_t begin = plan.tileBegin(tile);
    layer.connect(vertices[tile], begin, plan.tileNeurons(tile),
                  gradSpikes != nullptr ? gradSpikes + begin : nullptr,
                  a.numNeurons, scratch.as<S>() + tile * scratchPerTile,
                  scratchPerTile);
  }
  runVertices(plan, vertices, run);
}

// rows[t * rowStride + v] for v < count: the upstream gradient of spike
// (t, begin + v) through the Linear layer the spikes feed
// (LifBackwardArgs::linearGrad), a sum over its K outputs, in order, of
// output gradient times weight (fused multiply-adds where the target has
// them: the sum differs from a matmul library's only in rounding).
template <typename FP>
void expandLinearUpstream(const LifBackwardArgs &a, std::uint64_t begin,
                          std::uint64_t count, FP *rows, std::uint64_t rowStride) {
  const FP *grad = static_cast<const FP *>(a.linearGrad);
  const FP *weight = static_cast<const FP *>(a.linearWeight);
  const std::uint64_t K = a.linearOut, in = a.linearIn;
  const std::uint64_t batch = a.numNeurons / in;
  for (std::uint64_t t = 0; t < a.numSteps; ++t) {
    FP *row = rows + t * rowStride;
    // The neurons run over one or more batch rows b: a run of
    // consecutive features n per b.
    for (std::uint64_t v = 0; v < count;) {
      const std::uint64_t neuron = begin + v, b = neuron / in, n = neuron % in;
      const std::uint64_t run = std::min(in - n, count - v);
      const FP *g = grad + (t * batch + b) * K;
      FP *out = row + v;
      const FP g0 = g[0];
      const FP *w0 = weight + n;
      for (std::uint64_t i = 0; i < run; ++i)
        out[i] = g0 * w0[i];
      for (std::uint64_t k = 1; k < K; ++k) {
        const FP gk = g[k];
        const FP *wk = weight + k * in + n;
        for (std::uint64_t i = 0; i < run; ++i)
#ifdef FP_FAST_FMAF
          out[i] = std::fma(gk, wk[i], out[i]);
#else // a library call per element where the target has no FMA instruction
          out[i] = out[i] + gk * wk[i];
#endif
      }
      v += run;
    }
  }
}

// The per-thread buffers of the Linear path: kept across calls, since
// allocating them per item would pay the page faults of fresh memory every
// time, but freed after an item that needed more than kKeepBytes (long T).
// Unlike runBackward's scratch they outlive the call, so they are not pool
// buffers and runtime.cache_stats() does not count them (at most kKeepBytes
// per thread between calls).
struct ThroughLinearBuffers {
  std::vector<float> upstream; // T x block of upstream spike gradient
  std::vector<float> scratch;  // one vertex's recomputed membranes
  static constexpr std::size_t kKeepBytes = std::size_t(8) << 20;

  static ThroughLinearBuffers &ofThisThread() {
    thread_local ThroughLinearBuffers buffers;
    return buffers;
  }
  void releaseIfLarge() {
    if ((upstream.capacity() + scratch.capacity()) * sizeof(float) > kKeepBytes) {
      std::vector<float>().swap(upstream);
      std::vector<float>().swap(scratch);
    }
  }
};

// The backward when the spikes feed a Linear layer: each (tile, worker) item
// walks its neurons in blocks of one chunk per vertex worker and runs a
// vertex over each block, worker by worker; before each worker it forms that
// worker's part of the upstream gradient (T x one chunk) in a buffer of its
// thread, so that the vertex reads it back from cache. This replaces writing
// the Linear layer's [T, N] input gradient to memory and reading it back.
// (In debug mode the items are shuffled as usual, but the workers of a block
// run in order.)
template <typename FP, unsigned ResetMode, bool ResetDelay, unsigned Surrogate>
void runBackwardThroughLinear(const LifBackwardArgs &a, const LifOptions &o,
                              const HostRunOptions &run) {
  static_assert(std::is_same_v<FP, float>, "the Linear path is float32 only");
  using Vertex = LifBackward<FP, ResetMode, ResetDelay, Surrogate>;
  const LifPlan plan = hostPlan(a.numSteps, a.numNeurons, a.type, run);
  const std::uint64_t block =
      std::uint64_t(Vertex::numWorkers()) * plan.chunkNeurons;
  const BackwardLayer<FP> layer(a, o, plan, block);
  if (run.debug)
    layer.poisonOutputs();
  struct Context {
    const LifBackwardArgs &a;
    const LifPlan &plan;
    const BackwardLayer<FP> &layer;
    std::uint64_t block;
    bool debug;
  } context{a, plan, layer, block, run.debug};
  runWorkItems(
      workItemOrder(plan, run), run.numThreads, plan.config.workersPerTile,
      [](void *c, std::uint64_t tile, unsigned worker) {
        const Context &x = *static_cast<const Context *>(c);
        const WorkerRange range =
            workerRange(x.plan.tileNeurons(tile), worker,
                        x.plan.config.workersPerTile, kWorkerGrain<FP>);
        ThroughLinearBuffers &buffers = ThroughLinearBuffers::ofThisThread();
        buffers.upstream.resize(x.a.numSteps * x.block);
        buffers.scratch.resize(vertexScratchElements(x.plan, ResetDelay));
        if (x.debug) {
          // As runBackward's scratch: NaN, so that a read before the write
          // (of the scratch, or of an upstream gradient not yet formed)
          // shows, rather than what an earlier item left there.
          fillNaN<FP>(buffers.upstream.data(), buffers.upstream.size());
          fillNaN<FP>(buffers.scratch.data(), buffers.scratch.size());
        }
        for (std::uint64_t first = range.begin; first < range.end;
             first += x.block) {
          const std::uint64_t begin = x.plan.tileBegin(tile) + first;
          const std::uint64_t count =
              std::min<std::uint64_t>(x.block, range.end - first);
          Vertex v;
          x.layer.connect(v, begin, count, buffers.upstream.data(), count,
                          buffers.scratch.data(), buffers.scratch.size());
          for (unsigned w = 0; w < Vertex::numWorkers(); ++w) {
            // The vertex's own division of the block among its workers.
            const WorkerRange part = workerRange(
                unsigned(count), w, Vertex::numWorkers(), kWorkerGrain<FP>);
            if (part.begin == part.end)
              continue;
            expandLinearUpstream<FP>(x.a, begin + part.begin,
                                     part.end - part.begin,
                                     buffers.upstream.data() + part.begin, count);
            v.compute(w);
          }
        }
        poplar::storeFence(); // publish any non-temporal stores
        buffers.releaseIfLarge();
      },
      &context);
}

} // namespace

void hostLifBackward(const LifBackwardArgs &a, const LifOptions &o,
                     const HostRunOptions &run) {
  withElementType(a.type, [&](auto fp) {
    using FP = typename decltype(fp)::type;
    withSurrogate(o.surrogate, [&](auto surrogate) {
      withResetMode(o.resetMode, o.resetDelay, [&](auto reset) {
        using R = decltype(reset);
        constexpr unsigned kSurrogate = decltype(surrogate)::value;
        if constexpr (std::is_same_v<FP, float>) {
          if (a.linearGrad != nullptr) {
            runBackwardThroughLinear<FP, R::mode, R::delay, kSurrogate>(a, o, run);
            return;
          }
        }
        runBackward<FP, R::mode, R::delay, kSurrogate>(a, o, run);
      });
    });
  });
}

} // namespace snn_ipu
