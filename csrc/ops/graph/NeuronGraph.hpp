// The fused neuron layers as Poplar graph construction, in the style of a
// PopLibs library: functions that take a Graph, the layer's tensors, its
// options, a Sequence and a DebugContext, add the layer to the graph and
// return the output tensors. The PopART Opxs (csrc/ops/ipu) only map PopART's
// tensors in and out of them; a C++ Poplar user can call them without PopART.
// The same sources compile against the Poplar SDK and against the project's
// host implementation of the Poplar API (csrc/host_poplar), which executes
// the graph on the CPU.
//
// A layer of model `options.model` (kModel*, LifTypes.hpp) is [numSteps, N]:
// each output is laid out as the plan (LifPlan.hpp) splits the neurons over
// the target's tiles; inputs may arrive in any layout and are copied into
// the plan's. Before the first call, the graph needs the neuron codelets
// (on the IPU: ipu::addNeuronCodelets, NeuronCodelets.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <poplar/DebugContext.hpp>
#include <poplar/Graph.hpp>
#include <poplar/Program.hpp>
#include <poplar/Target.hpp>
#include <poplar/Tensor.hpp>
#include <poplar/Type.hpp>

#include "codelets/LifTypes.hpp"
#include "ops/plan/LifPlan.hpp"

namespace snn_ipu {
namespace popsnn {

// What selects the vertex instance and its constants.
struct NeuronOptions {
  unsigned model = kModelLeaky;
  unsigned resetMode = kResetSubtract;
  // Always true for reset "none" (its only instance); false only for models
  // whose modelShape has hasResetDelay.
  bool resetDelay = true;
  // Forward: write the [T, N] record of each recorded state (the model's
  // modelShape.recorded); without, the spikes-only vertex.
  bool recordStates = true;
  // Backward: the surrogate (kSurrogate*) and its two constants.
  unsigned surrogate = kSurrogateATan;
  float surrogateA = 0.0f;
  float surrogateB = 0.0f;
};

// The layer's inputs, in the order of the model's codelet header.
struct NeuronInputs {
  // [numSteps, N], or [1, N]: a static input read at every step. half or float.
  poplar::Tensor current;
  std::vector<poplar::Tensor> stateInit; // [N] float each, one per state
  // [1] (shared by all neurons) or [N] float each, one per parameter; a
  // clamped parameter already clamped by the caller.
  std::vector<poplar::Tensor> params;
};

struct NeuronForwardOutputs {
  poplar::Tensor spikes;               // [numSteps, N], current's type
  std::vector<poplar::Tensor> records; // [numSteps, N] each; none without recordStates
  std::vector<poplar::Tensor> stateFinal; // [N] float each
};

// The upstream gradients of the forward's outputs; an absent one is zero.
struct NeuronUpstream {
  std::optional<poplar::Tensor> spikes;               // [numSteps, N]
  std::vector<std::optional<poplar::Tensor>> records; // [numSteps, N]; fewer: absent
  std::vector<std::optional<poplar::Tensor>> stateFinal; // [N] float; fewer: absent
};

struct NeuronBackwardOutputs {
  poplar::Tensor current;                  // current's shape and type
  std::vector<poplar::Tensor> stateInit;   // [N] float each
  std::vector<poplar::Tensor> params;      // each in its parameter's shape
  // The per-neuron partials params were reduced from ([N] each; the same
  // tensor as params[i] where the parameter has N values).
  std::vector<poplar::Tensor> paramPartials;
};

// The plan the functions below lay the layer out with: that of
// planLif(model, numSteps, numNeurons, type) for the target's tiles, workers
// and memory, the vertices' chunk being the IPU's. Throws
// poputil::poplibs_error with the plan's message when the layer does not fit.
LifPlan neuronPlan(const poplar::Target &target, unsigned model,
                   std::uint64_t numSteps, std::uint64_t numNeurons,
                   const poplar::Type &type);

// Adds the forward pass to `prog`: one compute set, one NeuronForward vertex
// per tile of the plan, after the copies that bring the inputs into the
// plan's layout.
NeuronForwardOutputs neuronForward(poplar::Graph &graph,
                                   const NeuronInputs &inputs,
                                   std::uint64_t numSteps,
                                   const NeuronOptions &options,
                                   poplar::program::Sequence &prog,
                                   const poplar::DebugContext &debugContext = {});

// Adds the backward pass to `prog`: one compute set of NeuronBackward
// vertices, which recompute the forward's states from the same inputs, then
// a popops::reduce of the per-neuron partials of each parameter given as
// one value.
NeuronBackwardOutputs neuronBackward(poplar::Graph &graph,
                                     const NeuronInputs &inputs,
                                     const NeuronUpstream &upstream,
                                     std::uint64_t numSteps,
                                     const NeuronOptions &options,
                                     poplar::program::Sequence &prog,
                                     const poplar::DebugContext &debugContext = {});

} // namespace popsnn
} // namespace snn_ipu
