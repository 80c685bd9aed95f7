// What a Graph records: its variables and constants (with their tile
// mappings and a constant's values), its vertices (their compute set, tile,
// connections and scalar values), compute sets, codelets, cycle estimators
// and host transfers. Shared by a graph and its virtual graphs; the Engine
// compiles from it.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include <poplar/PerfEstimateFunc.hpp>
#include <poplar/Target.hpp>
#include <poplar/Tensor.hpp>
#include <poplar/executor/ScalarValue.hpp>
#include <poplar/executor/VertexType.hpp>

#include "TileIntervals.hpp"

namespace poplar {
namespace executor {

struct VariableRecord {
  Type type;
  std::vector<std::size_t> shape;
  std::size_t numElements = 0;
  std::string name;
  bool constant = false;
  std::vector<unsigned char> constantBytes; // a constant's values, as stored
  TileIntervals mapping;
};

struct FieldState {
  bool connected = false;    // an edge connected, or a 2-D field's size set
  std::vector<Tensor> edges; // a 1-D field's one, a 2-D field's each
  bool hasValue = false;     // a scalar's
  ScalarValue value;
};

struct VertexRecord {
  static constexpr unsigned kNoTile = ~0u;
  unsigned id = 0;
  const VertexType *type = nullptr;
  unsigned computeSet = 0;
  unsigned tile = kNoTile;
  std::vector<FieldState> fields; // as type->fields
};

struct ComputeSetRecord {
  std::string name;
  std::vector<unsigned> vertices;
};

struct HostTransfer {
  std::string handle;
  Tensor tensor;
  bool toDevice;
};

struct GraphState {
  Target target;
  std::vector<VariableRecord> variables;
  std::vector<VertexRecord> vertices;
  std::vector<ComputeSetRecord> computeSets;
  std::map<std::string, const VertexType *> codelets;
  std::map<std::string, PerfEstimateFunc> estimators;
  std::vector<HostTransfer> transfers;
};

} // namespace executor
} // namespace poplar
