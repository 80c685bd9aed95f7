// The neuron op's attributes (NeuronOpIds.hpp), read and checked once where
// PopART creates the op, and written into its outline key.
#pragma once

#include <cstdint>
#include <string>

#include <popart/attributes.hpp>
#include <popart/opserialiser.hpp>

#include "ops/ipu/NeuronOpIds.hpp"

namespace snn_ipu {
namespace ipu {

struct NeuronAttributes {
  unsigned model = kModelLeaky;
  std::int64_t numSteps = 1;
  bool recordStates = true;
  unsigned resetMode = kResetSubtract;
  bool resetDelay = true; // always true for reset "none" (its only instance)
  unsigned surrogate = kSurrogateATan;
  float surrogateA = 0.0f;
  float surrogateB = 0.0f;

  NeuronSignature signature() const {
    return neuronSignature(model, recordStates);
  }
  // "snn_ipu Neuron (leaky)": how error messages name the op.
  std::string opName() const;
};

// Throws popart::error naming the attribute that is missing or wrong.
NeuronAttributes readNeuronAttributes(const popart::Attributes &attrs);

void appendNeuronAttributes(popart::OpSerialiserBase &os,
                            const NeuronAttributes &a);

} // namespace ipu
} // namespace snn_ipu
