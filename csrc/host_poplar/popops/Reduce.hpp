// Host implementation of popops::reduce: a tensor reduced over some of its
// dimensions, as graph elements (a copy that gathers each output's partials
// on its tile, and a compute set of reduction vertices), like poplibs'.
// Needs popops::addCodelets(graph) first. The host reduces in the order of
// the input's elements, accumulating in float for half and float (poplibs'
// order differs); update, scale and the LOGICAL/LOG_ADD operations are not
// implemented and are refused.
#pragma once

#include <cstddef>
#include <vector>

#include <poplar/DebugContext.hpp>
#include <poplar/Graph.hpp>
#include <poplar/OptionFlags.hpp>
#include <poplar/Program.hpp>
#include <poplar/Tensor.hpp>

#include <popops/OperationDef.hpp>

namespace popops {

struct ReduceParams {
  ReduceParams() = default;
  ReduceParams(popops::Operation op, bool update = false)
      : op(op), update(update), useScale(false) {}
  ReduceParams(popops::Operation op, bool update, poplar::Tensor scale)
      : op(op), update(update), useScale(true), scale(scale) {}

  popops::Operation op = popops::Operation::ADD;
  bool update = false;
  bool useScale = false;
  poplar::Tensor scale;
};

poplar::Tensor reduce(poplar::Graph &graph, const poplar::Tensor &in,
                      const poplar::Type &outType,
                      const std::vector<std::size_t> &dims, ReduceParams params,
                      poplar::program::Sequence &prog,
                      const poplar::DebugContext &debugContext = {},
                      const poplar::OptionFlags &options = {});

poplar::Tensor reduce(poplar::Graph &graph, const poplar::Tensor &in,
                      const std::vector<std::size_t> &dims, ReduceParams params,
                      poplar::program::Sequence &prog,
                      const poplar::DebugContext &debugContext = {},
                      const poplar::OptionFlags &options = {});

} // namespace popops
