// NeuronBackward: surrogate-gradient backpropagation through time of a
// neuron model (NeuronModels.hpp) for one tile's block of neurons, all time
// steps in one vertex call.
//
// Nothing of the forward pass is read back: for each chunk of chunkNeurons
// neurons the vertex first recomputes the chunk's states for every step (bit
// for bit as NeuronForward did, into the worker's slice of `scratch`, with
// whatever else the model's reverse step needs), then walks the steps in
// reverse carrying dL/dstate. Per element this reads the input current and
// the upstream gradients and writes the current's gradient; per neuron it
// writes the gradients of the initial states and of every parameter (the
// caller sums those over neurons where a parameter is shared), unless
// paramGrads is 0.
//
// An absent upstream gradient (on the spikes, a state record or a final
// state) is connected to zeros (one row of zeros at every step).
//
// With constantCurrent set, the input current is the same row at every step
// (static input, connected once per step) and gradCurrent has one edge that
// receives the current's gradient summed over all steps.
#pragma once

#include <cstddef>
#include <type_traits>

#include <poplar/HalfFloat.hpp>
#include <poplar/Vertex.hpp>

#include "LifFields.hpp"
#include "LifMath.hpp"
#include "LifSurrogate.hpp"
#include "LifTypes.hpp"
#include "NeuronModels.hpp"
#include "Variant.hpp"
#include "WorkDivision.hpp"

using namespace poplar;

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

template <unsigned ModelId, typename FPType, unsigned ResetMode, bool ResetDelay,
          unsigned Surrogate>
class NeuronBackward : public MultiVertex {
  using Model = typename ModelOf<ModelId>::type;
  using S = StateType<FPType>;
  static constexpr unsigned K = Model::kStates;
  static constexpr unsigned P = Model::kParams;
  static constexpr unsigned R = modelShape(ModelId).recorded;
  static constexpr unsigned E = Model::template kExtra<ResetDelay>;
  static constexpr unsigned kPlanes = K + E;
  static constexpr auto ONE_PTR = VectorLayout::ONE_PTR;
  static constexpr auto SPAN = VectorLayout::SPAN;

public:
  Vector<Input<Vector<FPType, ONE_PTR, 8>>, ONE_PTR> current;    // [numSteps]
  Vector<Input<Vector<FPType, ONE_PTR, 8>>, ONE_PTR> gradSpikes; // [numSteps]
  // [R * numSteps]: state r's record at step t is edge r*numSteps + t.
  Vector<Input<Vector<FPType, ONE_PTR, 8>>, ONE_PTR> gradRecords;
  Vector<Input<Vector<S, ONE_PTR, 8>>, ONE_PTR> gradStateFinal; // [K] x numNeurons
  Vector<Input<Vector<S, ONE_PTR, 8>>, ONE_PTR> stateInit;      // [K] x numNeurons
  Vector<Input<Vector<S, SPAN, 8>>, ONE_PTR> params; // [P] x (1 or numNeurons)
  // [numSteps], or [1] (summed over steps) when constantCurrent.
  Vector<Output<Vector<FPType, ONE_PTR, 8>>, ONE_PTR> gradCurrent;
  Vector<Output<Vector<S, ONE_PTR, 8>>, ONE_PTR> gradStateInit; // [K] x numNeurons
  // [P] x numNeurons per-neuron partials; no edges when paramGrads is 0.
  Vector<Output<Vector<S, ONE_PTR, 8>>, ONE_PTR> gradParams;
  // numWorkers() * numSteps * chunkNeurons * savedPlanes(model, reset_delay)
  InOut<Vector<S, ONE_PTR, 8>> scratch;
  unsigned numSteps;
  unsigned numNeurons;
  unsigned chunkNeurons;    // 1 .. kMaxChunkNeurons<S>
  unsigned constantCurrent; // 0 or 1
  // 0: nobody needs the parameters' gradients; their outputs are then left
  // unwritten and their sums skipped.
  unsigned paramGrads;
  unsigned surrogate; // its id: read only by the kSurrogateAny instance
  S surrogateA;
  S surrogateB;

  void compute(unsigned workerId) {
    computeWorker(workerId, &scratch[std::size_t(workerId) * workerScratchElements()]);
  }

  // The scratch slice compute gives each worker: numSteps x chunk width x
  // the model's saved planes (its most, what the plan sizes the IPU's
  // scratch for).
  std::size_t workerScratchElements() const {
    return std::size_t(numSteps) * chunkWidth<S>(chunkNeurons) * kPlanes;
  }

  // The saved planes the recompute stores per neuron and step (those the
  // model's reverse step reads, Model::reads), one after another: a worker
  // uses numSteps x chunk width x storedPlanes of its scratch. The host
  // sizes its chunks and scratch by it.
  static constexpr unsigned storedPlanes(bool paramGrads) {
    return paramGrads ? Stored<true>::count() : Stored<false>::count();
  }
  std::size_t storedScratchElements() const {
    return std::size_t(numSteps) * chunkWidth<S>(chunkNeurons) *
           storedPlanes(paramGrads != 0);
  }

  // Worker `workerId`'s neurons, with `workerScratch` (at least
  // storedScratchElements) as its scratch. compute gives each worker its own
  // slice of `scratch`, since a tile's workers run at the same time; the host
  // runner calls this with a slice per thread instead, since a thread runs
  // one worker at a time (ops/host/HostRunner.hpp), which keeps the scratch
  // to a few MiB.
  void computeWorker(unsigned workerId, S *workerScratch) {
    const WorkerRange range = workerRange(numNeurons, workerId, numWorkers(),
                                          kWorkerGrain<FPType>);
    const unsigned width = chunkWidth<S>(chunkNeurons);
    const bool shared = allSharedEdges<P>(params);
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
  void runChunk(std::size_t first, unsigned count, unsigned width, S *saved) {
    constexpr unsigned W = kMaxChunkNeurons<S>;
    ChunkParams<SharedParams, W, P, S> p;
    p.template load<Model>(params, first, count);
    S init[K][W];
    for (unsigned k = 0; k < K; ++k) {
      const auto &row = stateInit[k];
      for (unsigned v = 0; v < count; ++v)
        init[k][v] = row[first + v];
    }
    // The saved planes the reverse step reads (Model::reads): the recompute
    // stores only those, and the reverse pass gives the model NaN for the
    // others, so that a model reading one it did not declare gets NaN
    // gradients rather than stale scratch. Storing every plane cost Alpha's
    // backward 40% of its time at [100, 64, 4096] (benchmarks/RESULTS.md).
    // Whether the parameters' gradients are wanted is a compile-time switch,
    // so that the loops carry only the stores and arithmetic they need; the
    // recompute is compiled once where its stores do not depend on it.
    if constexpr (storesDependOnParamGrads()) {
      if (paramGrads) {
        recompute(first, count, width, saved, p, init, Stored<true>{});
        reversePass<true>(first, count, width, saved, p, init, Stored<true>{});
      } else {
        recompute(first, count, width, saved, p, init, Stored<false>{});
        reversePass<false>(first, count, width, saved, p, init, Stored<false>{});
      }
    } else {
      recompute(first, count, width, saved, p, init, Stored<true>{});
      if (paramGrads)
        reversePass<true>(first, count, width, saved, p, init, Stored<true>{});
      else
        reversePass<false>(first, count, width, saved, p, init, Stored<false>{});
    }
  }

  // Whether the model's reverse reads saved plane `plane` (Model::reads),
  // and where a stored plane lies in the scratch: after the stored planes
  // before it, so that the scratch a chunk touches, and the chunk the host
  // fits in its cache budget, is sized by what is stored, not by every plane.
  template <bool ParamGrads> struct Stored {
    constexpr bool operator()(unsigned plane) const {
      return Model::template reads<ParamGrads>(plane);
    }
    static constexpr unsigned slot(unsigned plane) {
      unsigned before = 0;
      for (unsigned j = 0; j < plane; ++j)
        before += Model::template reads<ParamGrads>(j) ? 1 : 0;
      return before;
    }
    static constexpr unsigned count() { return slot(kPlanes); }
  };
  static constexpr bool storesDependOnParamGrads() {
    for (unsigned j = 0; j < kPlanes; ++j)
      if (Model::template reads<true>(j) != Model::template reads<false>(j))
        return true;
    return false;
  }

  // Recomputes the chunk's states for every step into the scratch planes
  // `stored` selects: plane j of step t at
  // saved + (stored.slot(j)*numSteps + t)*width, planes 0..K-1 holding the
  // states after the step, the others the model's extra values.
  template <class Params, class Stored>
  void recompute(std::size_t first, unsigned count, unsigned width, S *saved,
                 const Params &p, const S (&init)[K][kMaxChunkNeurons<S>],
                 Stored stored) {
    constexpr unsigned W = kMaxChunkNeurons<S>;
    const std::size_t planeStride = std::size_t(numSteps) * width;
    S state[K][W];
    for (unsigned k = 0; k < K; ++k)
      for (unsigned v = 0; v < count; ++v)
        state[k][v] = init[k][v];
    for (unsigned t = 0; t < numSteps; ++t) {
      const auto &in = current[t];
      S converted[W];
      const S *x = runAsState<S>(in, first, count, converted);
      // The input row kTouchAheadSteps steps on (the last one near the end).
      const auto &nextIn = current[t + kTouchAheadSteps < numSteps
                                       ? t + kTouchAheadSteps
                                       : numSteps - 1];
      const auto touchNext = [&](unsigned v) { touchRow(nextIn, first + v); };
      S *rows[kPlanes];
      for (unsigned j = 0; j < kPlanes; ++j)
        // An unstored plane has no row (its pointer is never used).
        rows[j] = stored(j) ? saved + stored.slot(j) * planeStride +
                                  std::size_t(t) * width
                            : saved;
      forEachLine<S>(count, touchNext, [&](unsigned v) {
        S prev[K];
        for (unsigned k = 0; k < K; ++k)
          prev[k] = state[k][v];
        const auto step = Model::template step<ResetMode, ResetDelay>(
            prev, x[v], p.at(v));
        for (unsigned k = 0; k < K; ++k) {
          state[k][v] = step.state[k];
          if (stored(k))
            rows[k][v] = step.state[k];
        }
        for (unsigned e = 0; e < E; ++e)
          if (stored(K + e))
            rows[K + e][v] = step.extra[e];
      });
    }
  }

  // Walks the chunk's steps in reverse from the recomputed planes, carrying
  // dL/dstate, and writes the current's, the initial states' and (with
  // ParamGrads) the parameters' gradients.
  template <bool ParamGrads, class Params, class Stored>
  void reversePass(std::size_t first, unsigned count, unsigned width, S *saved,
                   const Params &p, const S (&init)[K][kMaxChunkNeurons<S>],
                   Stored stored) {
    constexpr unsigned W = kMaxChunkNeurons<S>;
    const std::size_t planeStride = std::size_t(numSteps) * width;
    const auto row = [&](unsigned plane, unsigned t) {
      // An unstored plane has no row (its pointer is never used).
      return stored(plane) ? saved + stored.slot(plane) * planeStride +
                                 std::size_t(t) * width
                           : saved;
    };
    const S unread = static_cast<S>(__builtin_nanf("")); // a quiet NaN

    // carry[k][v] is dL/dstate_k at step t, from step t+1.
    const SurrogateConstants<S> constants{surrogateA, surrogateB, surrogate};
    S carry[K][W], paramSum[P][W], currentSum[W];
    for (unsigned k = 0; k < K; ++k) {
      const auto &final = gradStateFinal[k];
      for (unsigned v = 0; v < count; ++v)
        carry[k][v] = final[first + v];
    }
    for (unsigned v = 0; v < count; ++v) {
      for (unsigned i = 0; i < P; ++i)
        paramSum[i][v] = S(0);
      currentSum[v] = S(0);
    }
    // A constant current's gradient is summed over the steps after each
    // step's loop, in the same order, rather than in it: one more copy of the
    // loop per instance would cost more compile time than that extra pass
    // costs run time (only static inputs take it).
    const bool constant = constantCurrent != 0;
    for (unsigned t = numSteps; t-- > 0;) {
      S gsBuffer[W], gx[W];
      S grBuffer[R > 0 ? R : 1][W];
      const S *gs = runAsState<S>(gradSpikes[t], first, count, gsBuffer);
      const S *gr[R > 0 ? R : 1];
      for (unsigned r = 0; r < R; ++r)
        gr[r] = runAsState<S>(gradRecords[r * numSteps + t], first, count,
                              grBuffer[r]);
      const S *prevRows[K];
      const S *nowRows[kPlanes];
      for (unsigned k = 0; k < K; ++k)
        prevRows[k] = t > 0 ? row(k, t - 1) : init[k];
      for (unsigned j = 0; j < kPlanes; ++j)
        nowRows[j] = row(j, t);
      // The rows kTouchAheadSteps steps back (the first step's near t = 0).
      const unsigned back = t >= kTouchAheadSteps ? t - kTouchAheadSteps : 0;
      const auto &backGradSpikes = gradSpikes[back];
      const auto &backGradCurrent = gradCurrent[constant ? 0 : back];
      const auto touchBack = [&](unsigned v) {
        touchRow(backGradSpikes, first + v);
        for (unsigned r = 0; r < R; ++r)
          touchRow(gradRecords[r * numSteps + back], first + v);
        if (!constant)
          touchRow(backGradCurrent, first + v);
      };
      forEachLine<S>(count, touchBack, [&](unsigned v) {
        S prev[K], now[K], gradState[K], extra[E > 0 ? E : 1];
        for (unsigned k = 0; k < K; ++k) {
          prev[k] = stored(k) ? prevRows[k][v] : unread;
          now[k] = stored(k) ? nowRows[k][v] : unread;
          gradState[k] = k < R ? carry[k][v] + gr[k < R ? k : 0][v] : carry[k][v];
        }
        for (unsigned e = 0; e < E; ++e)
          extra[e] = stored(K + e) ? nowRows[K + e][v] : unread;
        const auto grad =
            Model::template reverse<ResetMode, ResetDelay, Surrogate>(
                prev, now, extra, gs[v], gradState, p.at(v), constants);
        gx[v] = grad.current;
        for (unsigned k = 0; k < K; ++k)
          carry[k][v] = grad.state[k];
        if constexpr (ParamGrads)
          for (unsigned i = 0; i < P; ++i)
            paramSum[i][v] += grad.param[i];
      });
      if (constant)
        for (unsigned v = 0; v < count; ++v)
          currentSum[v] += gx[v];
      else
        storeRun<FPType>(gradCurrent[t], first, gx, count);
    }
    if (constant)
      storeRun<FPType>(gradCurrent[0], first, currentSum, count);
    for (unsigned k = 0; k < K; ++k)
      storeRun<S>(gradStateInit[k], first, carry[k], count);
    if constexpr (ParamGrads)
      for (unsigned i = 0; i < P; ++i)
        storeRun<S>(gradParams[i], first, paramSum[i], count);
  }
};

SNN_IPU_VARIANT_END
} // namespace snn_ipu
