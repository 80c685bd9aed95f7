// What a program is, for the engine to compile: a tree of sequences,
// repeats, compute-set executions and copies.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <poplar/Tensor.hpp>

namespace poplar {
namespace executor {

struct ProgramNode {
  enum class Kind { Sequence, Execute, Copy, Repeat, Nothing };
  Kind kind = Kind::Nothing;
  std::string name;
  std::vector<std::shared_ptr<ProgramNode>> children; // Sequence, Repeat
  unsigned computeSet = 0;                            // Execute
  Tensor src, dst;                                    // Copy
  unsigned count = 0;                                 // Repeat
};

} // namespace executor
} // namespace poplar
