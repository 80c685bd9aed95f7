# The IPU backend, included by CMakeLists.txt once popc and the poplar,
# poplibs and popart CMake packages are found:
#   snn_ipu_codelets.gp   the codelets in csrc/codelets compiled by popc for
#                         SNN_IPU_POPC_TARGETS (ipu2 = GC200, ipu21 = Bow,
#                         cpu = the IPUModel PopTorch's tests use)
#   libsnn_ipu_popart.so  the PopART neuron op, grad op and their Opxs
# Both go next to the host module, into the snn_ipu package (setup.py points
# CMAKE_LIBRARY_OUTPUT_DIRECTORY there); libsnn_ipu_popart.so finds the .gp
# in its own folder.

set(SNN_IPU_POPC_TARGETS "ipu2,ipu21,cpu" CACHE STRING
    "popc targets of the codelets (comma-separated)")
# No -ffp-contract=off here: the codelet sources turn contraction off
# themselves (#pragma clang fp contract(off), popc being clang), as the host
# build's flag does, so that no flag popc might not forward is needed.
set(SNN_IPU_POPC_FLAGS "-O3;-DNDEBUG" CACHE STRING
    "popc flags for the codelets (a CMake list)")

if(CMAKE_LIBRARY_OUTPUT_DIRECTORY)
  set(snn_ipu_package_dir "${CMAKE_LIBRARY_OUTPUT_DIRECTORY}")
else()
  set(snn_ipu_package_dir "${CMAKE_CURRENT_BINARY_DIR}")
endif()

# ------------------------------------------------------------- codelets (.gp)
set(snn_ipu_codelet_sources
  ${CMAKE_CURRENT_SOURCE_DIR}/csrc/codelets/NeuronForward.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/csrc/codelets/NeuronBackward.cpp)
file(GLOB snn_ipu_codelet_headers ${CMAKE_CURRENT_SOURCE_DIR}/csrc/codelets/*.hpp)
set(snn_ipu_gp "${snn_ipu_package_dir}/snn_ipu_codelets.gp")
# No host shim on the include path: popc uses the SDK's poplar/Vertex.hpp.
add_custom_command(
  OUTPUT ${snn_ipu_gp}
  COMMAND ${SNN_IPU_POPC} ${SNN_IPU_POPC_FLAGS}
          -I ${CMAKE_CURRENT_SOURCE_DIR}/csrc/codelets
          --target ${SNN_IPU_POPC_TARGETS}
          ${snn_ipu_codelet_sources} -o ${snn_ipu_gp}
  DEPENDS ${snn_ipu_codelet_sources} ${snn_ipu_codelet_headers}
  COMMENT "popc: neuron codelets for ${SNN_IPU_POPC_TARGETS}"
  VERBATIM)
add_custom_target(snn_ipu_codelets ALL DEPENDS ${snn_ipu_gp})

# ------------------------------------------------------- PopART custom op
add_library(snn_ipu_popart SHARED
  csrc/ops/ipu/NeuronAttributes.cpp
  csrc/ops/ipu/NeuronOp.cpp
  csrc/ops/ipu/NeuronOpx.cpp
  csrc/ops/ipu/NeuronGradOpx.cpp
  csrc/ops/ipu/NeuronCodelets.cpp
  csrc/ops/graph/NeuronGraph.cpp
  csrc/ops/graph/NeuronLayer.cpp
  csrc/ops/graph/NeuronVertices.cpp
  csrc/ops/graph/PlanLayout.cpp
  csrc/ops/plan/ElementType.cpp
  csrc/ops/plan/LifPlan.cpp
  csrc/ops/plan/LifCycles.cpp)
# Project headers by their path from csrc/, as in the host build; no host shim
# here (the SDK's poplar headers). popart-only brings its public compile
# definitions (ONNX_NAMESPACE among them); popops and poputil are poplibs'.
target_include_directories(snn_ipu_popart PRIVATE csrc)
target_compile_options(snn_ipu_popart PRIVATE -Wall -Wextra)
target_link_libraries(snn_ipu_popart PRIVATE popart-only poplar popops poputil
                      ${CMAKE_DL_LIBS})
add_dependencies(snn_ipu_popart snn_ipu_codelets)

install(TARGETS snn_ipu_popart LIBRARY DESTINATION snn_ipu)
install(FILES ${snn_ipu_gp} DESTINATION snn_ipu)

message(STATUS "snn_ipu: IPU backend: ${SNN_IPU_POPC} for ${SNN_IPU_POPC_TARGETS}, "
               "libsnn_ipu_popart.so and snn_ipu_codelets.gp into ${snn_ipu_package_dir}")
