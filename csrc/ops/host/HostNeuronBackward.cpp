// The backward's entry point: each model's runners (HostNeuronBackward.hpp,
// instantiated in HostNeuronBackward<Model>.cpp), and the Leaky backward
// through the Linear layer its spikes feed.
#include "ops/host/HostNeuronBackward.hpp"

#include <algorithm>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace snn_ipu {

namespace {

// rows[t * rowStride + v] for v < count: the upstream gradient of spike
// (t, begin + v) through the Linear layer the spikes feed
// (LifBackwardArgs::linearGrad), a sum over its K outputs, in order, of
// output gradient times weight: a multiply and an add each, not a fused
// multiply-add, so that every instruction-set level gives the same bits (the
// sum differs from a matmul library's only in rounding).
template <typename FP>
void expandLinearUpstream(const NeuronBackwardArgs &a, std::uint64_t begin,
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
          out[i] = out[i] + gk * wk[i];
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
void runBackwardThroughLinear(const NeuronBackwardArgs &a, const NeuronOptions &o,
                              const HostRunOptions &run) {
  static_assert(std::is_same_v<FP, float>, "the Linear path is float32 only");
  constexpr unsigned M = kModelLeaky;
  using Vertex = NeuronBackward<M, FP, ResetMode, ResetDelay, Surrogate>;
  using Layer = detail::BackwardLayer<M, FP>;
  const LifPlan plan = detail::backwardHostPlan<Vertex>(M, a, run);
  const std::uint64_t block =
      std::uint64_t(Vertex::numWorkers()) * plan.chunkNeurons;
  const Layer layer(a, o, plan, block);
  if (run.debug)
    layer.poisonOutputs();
  struct Context {
    const NeuronBackwardArgs &a;
    const LifPlan &plan;
    const Layer &layer;
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
        // One worker's scratch: this thread runs the block's workers in turn.
        buffers.scratch.resize(x.plan.backwardScratchElements /
                               x.plan.config.workersPerTile);
        if (x.debug) {
          // As runBackward's scratch: NaN, so that a read before the write
          // (of the scratch, or of an upstream gradient not yet formed)
          // shows, rather than what an earlier item left there.
          fillNaN<FP>(buffers.upstream.data(), buffers.upstream.size());
          fillNaN<FP>(buffers.scratch.data(), buffers.scratch.size());
        }
        typename Layer::Edges edges;
        for (std::uint64_t first = range.begin; first < range.end;
             first += x.block) {
          const std::uint64_t begin = x.plan.tileBegin(tile) + first;
          const std::uint64_t count =
              std::min<std::uint64_t>(x.block, range.end - first);
          Vertex v;
          x.layer.connect(v, edges, begin, count, buffers.upstream.data(), count);
          if (v.storedScratchElements() > buffers.scratch.size())
            throw std::logic_error(
                "host backward: the plan's scratch is smaller than the vertex's");
          for (unsigned w = 0; w < Vertex::numWorkers(); ++w) {
            // The vertex's own division of the block among its workers.
            const WorkerRange part = workerRange(
                unsigned(count), w, Vertex::numWorkers(), kWorkerGrain<FP>);
            if (part.begin == part.end)
              continue;
            expandLinearUpstream<FP>(x.a, begin + part.begin,
                                     part.end - part.begin,
                                     buffers.upstream.data() + part.begin, count);
            v.computeWorker(w, buffers.scratch.data());
          }
        }
        poplar::storeFence(); // publish any non-temporal stores
        buffers.releaseIfLarge();
      },
      &context);
}

} // namespace

void hostLeakyBackwardThroughLinear(const NeuronBackwardArgs &a,
                                    const NeuronOptions &o,
                                    const HostRunOptions &run) {
  withSurrogate(o.surrogate, [&](auto surrogate) {
    withResetMode<kModelLeaky>(o.resetMode, o.resetDelay, [&](auto reset) {
      using R = decltype(reset);
      runBackwardThroughLinear<float, R::mode, R::delay,
                               decltype(surrogate)::value>(a, o, run);
    });
  });
}

void hostNeuronBackward(const NeuronBackwardArgs &a, const NeuronOptions &o,
                        const HostRunOptions &run) {
  if (a.linearGrad != nullptr) {
    if (o.model != kModelLeaky || a.type != ElementType::Float)
      throw std::invalid_argument(
          "the upstream gradient through a Linear layer is for float32 Leaky "
          "layers only");
    hostLeakyBackwardThroughLinear(a, o, run);
    return;
  }
  withModel(o.model, [&](auto model) {
    hostModelBackward<decltype(model)::id>(a, o, run);
  });
}

} // namespace snn_ipu
