// What a neuron model's forward step and its reverse exchange with the
// generic vertices (NeuronForward.cpp, NeuronBackward.cpp). A model is a
// struct with the step, its reverse and its constants (LeakyModel.hpp, ...).
#pragma once

#include "Variant.hpp"

namespace snn_ipu {
SNN_IPU_VARIANT_BEGIN

// One step of K states: the spike, the states after the step (what the next
// step reads, and the records), and E extra values the reverse step needs
// (kept in the backward vertex's scratch beside the states).
template <typename S, unsigned K, unsigned E> struct NeuronStep {
  S spike;
  S state[K];
  S extra[E > 0 ? E : 1];
};

// The reverse of one step: dL/dx_t, dL/dstate_{t-1} through this step, and
// this step's contributions to dL/dparam (per neuron, w.r.t. the parameter
// values the vertex reads: beta already clamped, for instance).
template <typename S, unsigned K, unsigned P> struct NeuronStepGrad {
  S current;
  S state[K];
  S param[P];
};

SNN_IPU_VARIANT_END
} // namespace snn_ipu
