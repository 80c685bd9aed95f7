// Host implementation of popops::Operation: the reductions popops::reduce
// takes (the host implements ADD, SQUARE_ADD, MUL, MIN and MAX).
#pragma once

#include <string>

#include <poputil/VertexTemplates.hpp>

namespace popops {

enum class Operation {
  ADD,
  MUL,
  MIN,
  MAX,
  LOGICAL_AND,
  LOGICAL_OR,
  SQUARE_ADD,
  LOG_ADD,
};

} // namespace popops

namespace poputil {
template <> struct VertexTemplateToString<popops::Operation> {
  static std::string to_string(const popops::Operation &op) {
    switch (op) {
    case popops::Operation::ADD: return "ADD";
    case popops::Operation::MUL: return "MUL";
    case popops::Operation::MIN: return "MIN";
    case popops::Operation::MAX: return "MAX";
    case popops::Operation::LOGICAL_AND: return "LOGICAL_AND";
    case popops::Operation::LOGICAL_OR: return "LOGICAL_OR";
    case popops::Operation::SQUARE_ADD: return "SQUARE_ADD";
    default: return "LOG_ADD";
    }
  }
};
} // namespace poputil
