// LifForward: the leaky integrate-and-fire recursion over all time steps, for
// one tile's block of neurons, in one vertex call.
//
// Each worker takes a contiguous, 64-bit aligned block of the tile's neurons
// and walks it in chunks of kChunkNeurons: a chunk's membrane stays in
// registers for all time steps, and every step reads one input row and writes
// one spike row and one membrane row of the chunk. Fields connect the tile's
// neurons at every time step (one edge per step), so no rearranging copy of
// the [T, N] tensors is needed.
#include <poplar/HalfFloat.hpp>
#include <poplar/Vertex.hpp>

#include "LifFields.hpp"
#include "LifMath.hpp"
#include "LifStep.hpp"
#include "LifTypes.hpp"
#include "WorkDivision.hpp"

using namespace poplar;

namespace snn_ipu {

template <typename FPType, unsigned ResetMode, bool ResetDelay>
class LifForward : public MultiVertex {
  using S = StateType<FPType>;
  static constexpr auto ONE_PTR = VectorLayout::ONE_PTR;
  static constexpr auto SPAN = VectorLayout::SPAN;

public:
  Vector<Input<Vector<FPType, ONE_PTR, 8>>, ONE_PTR> current; // [numSteps]
  Input<Vector<S, ONE_PTR, 8>> memInit;                        // numNeurons
  Input<Vector<S, SPAN, 8>> decay;     // 1 or numNeurons
  Input<Vector<S, SPAN, 8>> threshold; // 1 or numNeurons
  Input<Vector<S, SPAN, 8>> graded;    // 1 or numNeurons
  Vector<Output<Vector<FPType, ONE_PTR, 8>>, ONE_PTR> spikes; // [numSteps]
  Vector<Output<Vector<FPType, ONE_PTR, 8>>, ONE_PTR> mem;    // [numSteps]
  unsigned numSteps;
  unsigned numNeurons;

  void compute(unsigned workerId) {
    const WorkerRange range = workerRange(numNeurons, workerId, numWorkers(),
                                          kWorkerGrain<FPType>);
    constexpr unsigned W = kChunkNeurons<S>;
    unsigned first = range.begin;
    for (; first + W <= range.end; first += W)
      runChunk<W>(first);
    for (; first < range.end; ++first)
      runChunk<1>(first);
  }

private:
  template <unsigned W> void runChunk(unsigned first) {
    S b[W], th[W], g[W], u[W];
    loadParam<W>(decay, first, b);
    clampDecay<W>(b);
    loadParam<W>(threshold, first, th);
    loadParam<W>(graded, first, g);
    for (unsigned v = 0; v < W; ++v)
      u[v] = memInit[first + v];

    for (unsigned t = 0; t < numSteps; ++t) {
      const auto in = current[t];
      S x[W], spk[W];
      for (unsigned v = 0; v < W; ++v)
        x[v] = S(in[first + v]);
      for (unsigned v = 0; v < W; ++v) {
        const auto step =
            lifStep<ResetMode, ResetDelay>(u[v], x[v], LifParams<S>{b[v], th[v], g[v]});
        spk[v] = step.spike;
        u[v] = step.mem;
      }
      // One store stream per loop: the compiler need not prove that the two
      // output rows do not overlap to vectorise them.
      const auto spikesOut = spikes[t];
      for (unsigned v = 0; v < W; ++v)
        spikesOut[first + v] = FPType(spk[v]);
      const auto memOut = mem[t];
      for (unsigned v = 0; v < W; ++v)
        memOut[first + v] = FPType(u[v]);
    }
  }
};

// Reset "none" ignores reset_delay: only reset_delay=True is instantiated.
#define SNN_IPU_INSTANTIATE_LIF_FORWARD(FPType)                                \
  template class LifForward<FPType, kResetSubtract, true>;                     \
  template class LifForward<FPType, kResetSubtract, false>;                    \
  template class LifForward<FPType, kResetZero, true>;                         \
  template class LifForward<FPType, kResetZero, false>;                        \
  template class LifForward<FPType, kResetNone, true>;

SNN_IPU_INSTANTIATE_LIF_FORWARD(float)
SNN_IPU_INSTANTIATE_LIF_FORWARD(half)

} // namespace snn_ipu
