// Host implementation of Poplar's cycle estimators: a function from a vertex
// (its fields, through a VertexIntrospector) and the target to its cycles,
// registered per vertex type with Graph::registerPerfEstimator. The host
// engine reports the estimates (poplar/executor/Report.hpp); it does not
// model time otherwise.
#pragma once

#include <cstdint>
#include <functional>

#include <poplar/Target.hpp>
#include <poplar/VertexIntrospector.hpp>

namespace poplar {

struct VertexPerfEstimate {
  VertexPerfEstimate() = default;
  VertexPerfEstimate(std::uint64_t cycles, std::uint64_t flops = 0)
      : cycles(cycles), flops(flops) {}
  std::uint64_t cycles = 0;
  std::uint64_t flops = 0;
};

using PerfEstimateFunc = std::function<VertexPerfEstimate(
    const VertexIntrospector &vertex, const Target &target)>;

} // namespace poplar
