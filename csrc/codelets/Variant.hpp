// The host build may compile the vertices more than once in one program (for
// instance with bounds-checked fields, or for several instruction sets): each
// such translation unit defines SNN_IPU_VARIANT, on its compile line, to a
// name of its own, and the vertex code below goes into that inline namespace
// of snn_ipu, so that no two compilations share a symbol the linker would
// merge. popc and the default host build leave it undefined: the vertices are
// then snn_ipu::LifForward<...> and so on, the names the graph refers to.
// Constants and the work division (LifTypes.hpp, WorkDivision.hpp), which the
// plan shares, stay outside it.
#pragma once

#ifdef SNN_IPU_VARIANT
#define SNN_IPU_VARIANT_BEGIN inline namespace SNN_IPU_VARIANT {
#define SNN_IPU_VARIANT_END }
#else
#define SNN_IPU_VARIANT_BEGIN
#define SNN_IPU_VARIANT_END
#endif
