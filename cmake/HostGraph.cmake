# The host implementation of Poplar's graph API (csrc/host_poplar: Graph,
# Tensor, programs, Engine, popops::reduce) that executes graphs tile by
# tile on the CPU. Its sources are listed once, here: tests/graph compiles
# them itself (it reads this list), and the library below is built only on
# request (EXCLUDE_FROM_ALL) until the host module needs it. Every source is
# compiled as the bounds-checked "graph" variant of the vertex shim, so
# vertices compiled into it cannot collide with the host runner's.
set(SNN_IPU_HOST_GRAPH_SOURCES
  csrc/host_poplar/lib/poplar/BoundVertex.cpp
  csrc/host_poplar/lib/poplar/CheckMapping.cpp
  csrc/host_poplar/lib/poplar/Codelets.cpp
  csrc/host_poplar/lib/poplar/CompiledGraph.cpp
  csrc/host_poplar/lib/poplar/CopyPlan.cpp
  csrc/host_poplar/lib/poplar/DebugContext.cpp
  csrc/host_poplar/lib/poplar/Describe.cpp
  csrc/host_poplar/lib/poplar/Engine.cpp
  csrc/host_poplar/lib/poplar/Graph.cpp
  csrc/host_poplar/lib/poplar/GraphVertices.cpp
  csrc/host_poplar/lib/poplar/MemoryLayout.cpp
  csrc/host_poplar/lib/poplar/Program.cpp
  csrc/host_poplar/lib/poplar/ScalarValue.cpp
  csrc/host_poplar/lib/poplar/Target.cpp
  csrc/host_poplar/lib/poplar/Tensor.cpp
  csrc/host_poplar/lib/poplar/TensorView.cpp
  csrc/host_poplar/lib/poplar/TileIntervals.cpp
  csrc/host_poplar/lib/poplar/TileMemory.cpp
  csrc/host_poplar/lib/poplar/Type.cpp
  csrc/host_poplar/lib/poplar/VertexIntrospector.cpp
  csrc/host_poplar/lib/poplar/WriteConflicts.cpp
  csrc/host_poplar/lib/popops/Reduce.cpp
  csrc/host_poplar/lib/popops/ReduceVertex.cpp
  csrc/host_poplar/lib/popops/codelets.cpp
)
set(SNN_IPU_HOST_GRAPH_DEFINITIONS
  SNN_IPU_VARIANT=graph SNN_IPU_SHIM_CHECKED SNN_IPU_SHIM_THROWS)

add_library(snn_ipu_host_graph STATIC EXCLUDE_FROM_ALL ${SNN_IPU_HOST_GRAPH_SOURCES})
target_include_directories(snn_ipu_host_graph PUBLIC csrc/host_poplar)
target_compile_definitions(snn_ipu_host_graph PRIVATE ${SNN_IPU_HOST_GRAPH_DEFINITIONS})
target_compile_options(snn_ipu_host_graph PRIVATE -ffp-contract=off -Wall -Wextra)
set_target_properties(snn_ipu_host_graph PROPERTIES POSITION_INDEPENDENT_CODE ON)
