// The tile plan (LifPlan.hpp) grown into a Poplar graph: tensors laid out so
// that tile k holds neurons [plan.tileBegin(k), plan.tileEnd(k)) of every time
// step, and the edges each tile's vertex connects. The Poplar counterpart of
// HostConnect.hpp; used by the graph construction in NeuronGraph.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <poplar/DebugContext.hpp>
#include <poplar/Graph.hpp>
#include <poplar/Program.hpp>
#include <poplar/Target.hpp>
#include <poplar/Tensor.hpp>
#include <poplar/Type.hpp>

#include "ops/plan/LifPlan.hpp"

namespace snn_ipu {
namespace popsnn {

// half or float; anything else is a poputil::poplibs_error.
ElementType elementTypeOf(const poplar::Type &type);

// The plan of a [numSteps, numNeurons] layer of neuron model `model` on the
// target's tiles (a virtual graph's tiles when the graph is one), its workers
// and its memory. Throws poputil::poplibs_error with the plan's message when
// the layer does not fit.
LifPlan planForTarget(const poplar::Target &target, unsigned model,
                      std::uint64_t numSteps, std::uint64_t numNeurons,
                      ElementType type);

// A parameter placed for the vertices: one value shared by all neurons,
// copied to every tile ([tilesUsed]), or one value per neuron in the plan's
// layout ([N]).
struct TileParam {
  poplar::Tensor values;
  bool shared;
};

// A tensor that may be absent (an upstream gradient the loss does not use),
// whose edges then read zeros.
using MaybeTensor = std::optional<poplar::Tensor>;

class PlanLayout {
public:
  // Copies that bring inputs into the plan's layout are added to `prog`.
  PlanLayout(poplar::Graph &graph, const LifPlan &plan,
             poplar::program::Sequence &prog,
             const poplar::DebugContext &debugContext);

  const LifPlan &plan() const { return plan_; }

  // A new [rows, N] (or [N]) tensor, columns mapped by the plan. Rows are
  // views of a variable padded to the worker grain.
  poplar::Tensor newRows(const poplar::Type &type, std::size_t rows,
                         const std::string &name) const;
  poplar::Tensor newNeurons(const poplar::Type &type,
                            const std::string &name) const;
  // A copy of `tensor` ([rows, N] or [N]) in the plan's layout. Inputs arrive
  // in their producer's layout; one copy puts every vertex's data on its own
  // tile.
  poplar::Tensor local(const poplar::Tensor &tensor,
                       const std::string &name) const;
  // A parameter of 1 or N values, placed for the vertices.
  TileParam localParam(const poplar::Tensor &param,
                       const std::string &name) const;
  // One row of zeros per tile ([tilesUsed, neuronsPerTile]), for absent
  // tensors.
  poplar::Tensor zeros(const poplar::Type &type, const std::string &name) const;
  // [tilesUsed, elements] scratch, row k on tile k.
  poplar::Tensor perTile(const poplar::Type &type, std::uint64_t elements,
                         const std::string &name) const;

  // What tile `tile`'s vertex connects:
  // the tile's columns of each of `steps` rows (of row 0 at every step when
  // `rows` has one row: a static input);
  std::vector<poplar::Tensor> stepEdges(const poplar::Tensor &rows,
                                        std::uint64_t tile,
                                        std::uint64_t steps) const;
  // the tile's row of `zeros` at each of `steps` steps;
  std::vector<poplar::Tensor> zeroEdges(const poplar::Tensor &zeros,
                                        std::uint64_t tile,
                                        std::uint64_t steps) const;
  // the step edges of several [T, N] tensors one after the other (edge
  // r*steps + t), zeros for an absent one;
  std::vector<poplar::Tensor> stackedEdges(const std::vector<MaybeTensor> &rows,
                                           const poplar::Tensor &zeros,
                                           std::uint64_t tile,
                                           std::uint64_t steps) const;
  // the tile's elements of several [N] tensors, one edge each, zeros for an
  // absent one;
  std::vector<poplar::Tensor> neuronEdges(const std::vector<MaybeTensor> &neurons,
                                          const poplar::Tensor &zeros,
                                          std::uint64_t tile) const;
  // each parameter's edge: its one value, or the tile's neurons;
  std::vector<poplar::Tensor> paramEdges(const std::vector<TileParam> &params,
                                         std::uint64_t tile) const;
  // the tile's elements of an [N] tensor, and its row of a per-tile tensor.
  poplar::Tensor columns(const poplar::Tensor &neurons,
                         std::uint64_t tile) const;
  poplar::Tensor rowOf(const poplar::Tensor &perTile, std::uint64_t tile) const;

private:
  void mapColumns(const poplar::Tensor &rows) const;

  poplar::Graph &graph_;
  const LifPlan &plan_;
  poplar::program::Sequence &prog_;
  poplar::DebugContext dc_;
};

} // namespace popsnn
} // namespace snn_ipu
