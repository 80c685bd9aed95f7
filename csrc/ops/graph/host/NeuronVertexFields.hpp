// Host only: the field descriptions of NeuronForward and NeuronBackward
// (NeuronVertexTypes.hpp), and the instance lists the codelet sources
// compile (NeuronForward.cpp, NeuronBackward.cpp: reset_delay=False only
// where the model has it).
#pragma once

#include <cstddef>
#include <vector>

#include <poplar/HalfFloat.hpp>
#include <poplar/executor/VertexType.hpp>
#include <poplar/host/RegisterVertex.hpp>

#include "codelets/NeuronBackward.hpp"
#include "codelets/NeuronForward.hpp"
#include "ops/graph/NeuronVertices.hpp"

namespace snn_ipu {
namespace popsnn {
namespace host {

using poplar::executor::VertexType;
using poplar::host::field;

template <typename V> auto fixed(std::size_t n) {
  return [n](const V &) { return n; };
}

template <unsigned M, typename FP, unsigned Reset, bool Delay, bool Record>
VertexType forwardType() {
  using V = NeuronForward<M, FP, Reset, Delay, Record>;
  constexpr ModelShape shape = modelShape(M);
  const auto steps = [](const V &v) { return std::size_t(v.numSteps); };
  const auto neurons = [](const V &v) { return std::size_t(v.numNeurons); };
  const auto records = [](const V &v) {
    return Record ? std::size_t(modelShape(M).recorded) * v.numSteps : 0;
  };
  return poplar::host::vertexType<V>(
      forwardVertexName(M, poplar::equivalent_device_type<FP>().value, Reset,
                        Delay, Record),
      {field("current", &V::current).edgeCount(steps).minElements(neurons),
       field("stateInit", &V::stateInit)
           .edgeCount(fixed<V>(shape.states))
           .minElements(neurons),
       field("params", &V::params).edgeCount(fixed<V>(shape.params)),
       field("spikes", &V::spikes).edgeCount(steps).minElements(neurons),
       field("records", &V::records).edgeCount(records).minElements(neurons),
       field("stateFinal", &V::stateFinal)
           .edgeCount(fixed<V>(shape.states))
           .minElements(neurons),
       field("numSteps", &V::numSteps), field("numNeurons", &V::numNeurons),
       field("chunkNeurons", &V::chunkNeurons)});
}

template <unsigned M, typename FP, unsigned Reset, bool Delay, unsigned Surrogate>
VertexType backwardType() {
  using V = NeuronBackward<M, FP, Reset, Delay, Surrogate>;
  constexpr ModelShape shape = modelShape(M);
  const auto steps = [](const V &v) { return std::size_t(v.numSteps); };
  const auto neurons = [](const V &v) { return std::size_t(v.numNeurons); };
  const auto records = [](const V &v) {
    return std::size_t(modelShape(M).recorded) * v.numSteps;
  };
  const auto currentRows = [](const V &v) {
    return v.constantCurrent ? std::size_t(1) : std::size_t(v.numSteps);
  };
  const auto params = [](const V &v) {
    return v.paramGrads ? std::size_t(modelShape(M).params) : 0;
  };
  return poplar::host::vertexType<V>(
      backwardVertexName(M, poplar::equivalent_device_type<FP>().value, Reset,
                         Delay, Surrogate),
      {field("current", &V::current).edgeCount(steps).minElements(neurons),
       field("gradSpikes", &V::gradSpikes).edgeCount(steps).minElements(neurons),
       field("gradRecords", &V::gradRecords).edgeCount(records).minElements(neurons),
       field("gradStateFinal", &V::gradStateFinal)
           .edgeCount(fixed<V>(shape.states))
           .minElements(neurons),
       field("stateInit", &V::stateInit)
           .edgeCount(fixed<V>(shape.states))
           .minElements(neurons),
       field("params", &V::params).edgeCount(fixed<V>(shape.params)),
       field("gradCurrent", &V::gradCurrent)
           .edgeCount(currentRows)
           .minElements(neurons),
       field("gradStateInit", &V::gradStateInit)
           .edgeCount(fixed<V>(shape.states))
           .minElements(neurons),
       field("gradParams", &V::gradParams).edgeCount(params).minElements(neurons),
       // Its size depends on private constants; the checked shim bounds it.
       field("scratch", &V::scratch), field("numSteps", &V::numSteps),
       field("numNeurons", &V::numNeurons),
       field("chunkNeurons", &V::chunkNeurons),
       field("constantCurrent", &V::constantCurrent),
       field("paramGrads", &V::paramGrads), field("surrogate", &V::surrogate),
       field("surrogateA", &V::surrogateA),
       field("surrogateB", &V::surrogateB)});
}

// The resets an instance list covers: every mode with reset_delay=True, and
// subtract and zero with reset_delay=False where the model has it.
template <unsigned M, typename FP, template <unsigned, bool> class Add>
void forEachReset(std::vector<VertexType> &types) {
  Add<kResetSubtract, true>::add(types);
  Add<kResetZero, true>::add(types);
  Add<kResetNone, true>::add(types);
  if constexpr (modelShape(M).hasResetDelay) {
    Add<kResetSubtract, false>::add(types);
    Add<kResetZero, false>::add(types);
  }
}

template <unsigned M, typename FP> struct Forward {
  template <unsigned Reset, bool Delay> struct Add {
    static void add(std::vector<VertexType> &types) {
      types.push_back(forwardType<M, FP, Reset, Delay, true>());
      types.push_back(forwardType<M, FP, Reset, Delay, false>());
    }
  };
};

template <unsigned M, typename FP> struct Backward {
  template <unsigned Reset, bool Delay> struct Add {
    template <unsigned... Surrogates>
    static void addAll(std::vector<VertexType> &types,
                       std::integer_sequence<unsigned, Surrogates...>) {
      (types.push_back(backwardType<M, FP, Reset, Delay, Surrogates>()), ...);
    }
    static void add(std::vector<VertexType> &types) {
      addAll(types, std::make_integer_sequence<unsigned, kNumSurrogates>());
    }
  };
};

template <unsigned M> void addForward(std::vector<VertexType> &types) {
  forEachReset<M, float, Forward<M, float>::template Add>(types);
  forEachReset<M, half, Forward<M, half>::template Add>(types);
}

template <unsigned M> void addBackward(std::vector<VertexType> &types) {
  forEachReset<M, float, Backward<M, float>::template Add>(types);
  forEachReset<M, half, Backward<M, half>::template Add>(types);
}

} // namespace host
} // namespace popsnn
} // namespace snn_ipu
