// Host implementation of Poplar's Graph: variables and constants with a tile
// mapping, compute sets of vertices whose fields are connected to tensors,
// and the codelets the vertices come from. Construction checks what it can
// at once (types, shapes, tile numbers, field names); what needs the whole
// graph (unmapped elements, edges on other tiles, sizes, alignment, write
// conflicts, tile memory) is checked when an Engine compiles it.
//
// Codelets: the host has its vertices compiled in (poplar/executor/
// Codelets.hpp); addCodelets(path) adds the library registered under the
// path or its file name. Graph::createVirtualGraph shares everything with
// its parent graph, with tile numbers relative to its first tile.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include <poplar/ArrayRef.hpp>
#include <poplar/DebugContext.hpp>
#include <poplar/Device.hpp>
#include <poplar/GraphElements.hpp>
#include <poplar/Interval.hpp>
#include <poplar/PerfEstimateFunc.hpp>
#include <poplar/StringRef.hpp>
#include <poplar/Target.hpp>
#include <poplar/Tensor.hpp>
#include <poplar/Type.hpp>
#include <poplar/executor/ScalarValue.hpp>

namespace poplar {

enum class VariableMappingMethod { NONE, LINEAR };

enum class CodeletFileType {
  PreprocessedAsmSource,
  AsmSource,
  PreprocessedCSource,
  CSource,
  PreprocessedCppSource,
  CppSource,
  IntermediateRepresentation,
  Object,
  Auto
};

namespace executor {
template <typename T>
constexpr bool isSimpleType =
    std::is_arithmetic_v<T> || std::is_same_v<T, half>;
} // namespace executor

class Graph {
public:
  using TileToTensorMapping = std::vector<std::vector<Interval>>;

  explicit Graph(const Target &target);
  explicit Graph(const Device &device);
  Graph(Graph &&) noexcept;
  Graph &operator=(Graph &&) noexcept;
  ~Graph();

  const Target &getTarget() const { return target_; }

  // ------------------------------------------------------------ tensors
  Tensor addVariable(const Type &type, ArrayRef<std::size_t> shape,
                     const DebugContext &debugContext = {});
  // LINEAR spreads the elements over the tiles in equal blocks.
  Tensor addVariable(const Type &type, ArrayRef<std::size_t> shape,
                     VariableMappingMethod mappingMethod,
                     const DebugContext &debugContext = {});
  template <typename T,
            typename = std::enable_if_t<executor::isSimpleType<T>>>
  Tensor addConstant(const Type &type, ArrayRef<std::size_t> shape, T val,
                     const DebugContext &debugContext = {"<const>"}) {
    return addConstantValues(type, shape, {executor::ScalarValue::of(val)},
                             debugContext);
  }
  template <typename T>
  Tensor addConstant(const Type &type, ArrayRef<std::size_t> shape,
                     ArrayRef<T> values,
                     const DebugContext &debugContext = {"<const>"}) {
    std::vector<executor::ScalarValue> converted;
    for (const T &value : values)
      converted.push_back(executor::ScalarValue::of(value));
    return addConstantValues(type, shape, converted, debugContext);
  }
  template <typename T>
  Tensor addConstant(const Type &type, ArrayRef<std::size_t> shape,
                     const T *values,
                     const DebugContext &debugContext = {"<const>"}) {
    std::size_t n = 1;
    for (std::size_t d : shape)
      n *= d;
    return addConstant(type, shape, ArrayRef<T>(values, n), debugContext);
  }
  // A new variable of t's shape (and type) with t's tile mapping.
  Tensor clone(const Tensor &t, const DebugContext &debugContext = {});
  Tensor clone(const Type &type, const Tensor &t,
               const DebugContext &debugContext = {});

  // ----------------------------------------------------------- mapping
  void setTileMapping(VertexRef v, unsigned tileNum);
  void setTileMapping(const Tensor &t, unsigned tileNum);
  // mapping[tile]: intervals of t's flattened elements on that tile.
  void setTileMapping(const Tensor &t, const TileToTensorMapping &mapping);
  // Throws invalid_tile_mapping for an unmapped element if requireComplete.
  TileToTensorMapping getTileMapping(Tensor t, bool requireComplete = true) const;

  // ---------------------------------------------------------- vertices
  ComputeSet addComputeSet(const DebugContext &debugContext = {});
  VertexRef addVertex(ComputeSet cs, StringRef vertexType);
  // A 1-D field: one tensor (flattened); one edge of a 2-D field: v["f"][i].
  void connect(FieldRef field, const Tensor &tensor);
  // A 2-D field: one tensor per edge.
  void connect(FieldRef field, ArrayRef<Tensor> tensors);
  // The number of edges of a 2-D field (before connecting them one by one).
  void setFieldSize(FieldRef field, std::size_t size);
  std::size_t getFieldSize(FieldRef field) const;
  template <typename T,
            typename = std::enable_if_t<executor::isSimpleType<T>>>
  void setInitialValue(FieldRef field, T val) {
    setInitialScalar(field, executor::ScalarValue::of(val));
  }
  unsigned getNumVertices() const;

  // ---------------------------------------------------------- codelets
  // Throws graph_object_load_error if no library is registered as `src`.
  bool addCodelets(StringRef src, CodeletFileType type = CodeletFileType::Auto,
                   StringRef compileFlags = "", StringRef targetName = "");
  bool hasCodelet(StringRef codeletName) const;
  void registerPerfEstimator(StringRef vertexTypeName, PerfEstimateFunc f);

  // ------------------------------------------------- host transfers
  // Names `t` for Engine::writeTensor / Engine::readTensor.
  void createHostWrite(StringRef handle, const Tensor &t,
                       bool rearrangeOnHost = false);
  void createHostRead(StringRef handle, const Tensor &t,
                      bool rearrangeOnHost = false);

  // Tiles [lowerTile, upperTile) of this graph as a graph of their own.
  Graph createVirtualGraph(unsigned lowerTile, unsigned upperTile);

  // Host only: the graph's records (shared with its virtual graphs).
  executor::GraphState &state() const { return *state_; }
  std::shared_ptr<const executor::GraphState> sharedState() const { return state_; }

private:
  Graph(std::shared_ptr<executor::GraphState> state, unsigned firstTile,
        const Target &target);
  Tensor addConstantValues(const Type &type, ArrayRef<std::size_t> shape,
                           const std::vector<executor::ScalarValue> &values,
                           const DebugContext &debugContext);
  void setInitialScalar(FieldRef field, const executor::ScalarValue &value);
  unsigned absoluteTile(unsigned tile, const char *what) const;

  std::shared_ptr<executor::GraphState> state_;
  unsigned firstTile_ = 0;
  Target target_;
};

} // namespace poplar
