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
  csrc/host_poplar/lib/poputil/exceptions.cpp
)
set(SNN_IPU_HOST_GRAPH_DEFINITIONS
  SNN_IPU_VARIANT=graph SNN_IPU_SHIM_CHECKED SNN_IPU_SHIM_THROWS)

add_library(snn_ipu_host_graph STATIC EXCLUDE_FROM_ALL ${SNN_IPU_HOST_GRAPH_SOURCES})
target_include_directories(snn_ipu_host_graph PUBLIC csrc/host_poplar)
target_compile_definitions(snn_ipu_host_graph PRIVATE ${SNN_IPU_HOST_GRAPH_DEFINITIONS})
target_compile_options(snn_ipu_host_graph PRIVATE -ffp-contract=off -Wall -Wextra)
set_target_properties(snn_ipu_host_graph PROPERTIES POSITION_INDEPENDENT_CODE ON)

# The "graph" backend of snn_ipu.runtime (libsnn_ipu_graph.so, a C interface
# that snn_ipu/_backends/graph.py loads with ctypes): the graph construction
# of csrc/ops/graph, the neuron vertices described to the executor, and the
# executor above. Not part of the default build: its graph variant of every
# vertex instance, bounds-checked, would add minutes to every install. It is
# built on first use from a source checkout (snn_ipu/_backends/graph_build.py,
# which reads these lists, at SNN_IPU_GRAPH_BACKEND_OPTIMIZATION), or here
# with -DSNN_IPU_GRAPH_BACKEND=ON (then installed next to the host module).
set(SNN_IPU_GRAPH_BACKEND_SOURCES
  csrc/ops/plan/ElementType.cpp
  csrc/ops/plan/LifPlan.cpp
  csrc/ops/plan/LifCycles.cpp
  csrc/ops/graph/NeuronGraph.cpp
  csrc/ops/graph/NeuronLayer.cpp
  csrc/ops/graph/NeuronVertices.cpp
  csrc/ops/graph/PlanLayout.cpp
  csrc/ops/graph/host/NeuronCodelets.cpp
  csrc/ops/graph/host/Forward.cpp
  csrc/ops/graph/host/BackwardLeaky.cpp
  csrc/ops/graph/host/BackwardSynaptic.cpp
  csrc/ops/graph/host/BackwardAlpha.cpp
  csrc/ops/graph/host/BackwardLapicque.cpp
  csrc/ops/graph/host/BackwardRLeaky.cpp
  csrc/ops/graph/host/BackwardRSynaptic.cpp
  csrc/ops/graph/host/GraphBackend.cpp
)
set(SNN_IPU_GRAPH_BACKEND_OPTIMIZATION -O1)

option(SNN_IPU_GRAPH_BACKEND
  "Build libsnn_ipu_graph.so, the graph backend of snn_ipu.runtime, with the host module"
  OFF)
if(SNN_IPU_GRAPH_BACKEND)
  set(snn_ipu_graph_all "")
else()
  set(snn_ipu_graph_all EXCLUDE_FROM_ALL)
endif()
add_library(snn_ipu_graph SHARED ${snn_ipu_graph_all}
            ${SNN_IPU_HOST_GRAPH_SOURCES} ${SNN_IPU_GRAPH_BACKEND_SOURCES})
target_include_directories(snn_ipu_graph PRIVATE csrc csrc/host_poplar)
target_compile_definitions(snn_ipu_graph PRIVATE ${SNN_IPU_HOST_GRAPH_DEFINITIONS})
target_compile_options(snn_ipu_graph PRIVATE ${SNN_IPU_GRAPH_BACKEND_OPTIMIZATION}
                       -ffp-contract=off -Wall -Wextra)
find_package(Threads REQUIRED)
target_link_libraries(snn_ipu_graph PRIVATE Threads::Threads)
if(SNN_IPU_GRAPH_BACKEND)
  install(TARGETS snn_ipu_graph LIBRARY DESTINATION snn_ipu)
endif()
