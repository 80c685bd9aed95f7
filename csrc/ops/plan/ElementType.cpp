#include "ops/plan/ElementType.hpp"

#include <cstdint>

#include "codelets/LifTypes.hpp"

namespace snn_ipu {

const char *elementTypeName(ElementType type) {
  switch (type) {
  case ElementType::Half:
    return "half";
  case ElementType::Float:
    return "float";
  case ElementType::Double:
    return "double";
  }
  return "?";
}

unsigned elementBytes(ElementType type) {
  switch (type) {
  case ElementType::Half:
    return 2;
  case ElementType::Float:
    return 4;
  case ElementType::Double:
    return 8;
  }
  return 0;
}

unsigned stateBytes(ElementType type) {
  return type == ElementType::Double ? 8 : 4;
}

unsigned workerGrain(ElementType type) {
  switch (type) {
  case ElementType::Half:
    return kWorkerGrain<std::uint16_t>;
  case ElementType::Float:
    return kWorkerGrain<float>;
  case ElementType::Double:
    return kWorkerGrain<double>;
  }
  return 1;
}

} // namespace snn_ipu
