// The element types of a LIF layer's [T, N] tensors and what the plan, the
// runners and the bindings need to know of each. Pure C++: no Poplar.
#pragma once

namespace snn_ipu {

enum class ElementType { Half, Float, Double };
constexpr unsigned kNumElementTypes = 3;

const char *elementTypeName(ElementType type);
unsigned elementBytes(ElementType type);
unsigned stateBytes(ElementType type); // float32 state for half and float
unsigned workerGrain(ElementType type); // kWorkerGrain<FPType>

} // namespace snn_ipu
