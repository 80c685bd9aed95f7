// Host implementation of Poplar's control programs: Sequence, Execute (run
// every vertex of a compute set), Copy (between tensors, through their
// views), Repeat and WriteUndef. Programs are values: a copy is a program of
// its own, and Sequence::add adds the program as it is then.
#pragma once

#include <initializer_list>
#include <memory>

#include <poplar/DebugContext.hpp>
#include <poplar/GraphElements.hpp>
#include <poplar/Tensor.hpp>

namespace poplar {

namespace executor {
struct ProgramNode;
} // namespace executor

namespace program {

class Program {
public:
  Program();
  Program(const Program &other);
  Program &operator=(const Program &other);
  virtual ~Program();

  bool isEmpty() const;
  // Host only: what the program does.
  const executor::ProgramNode &node() const { return *node_; }

protected:
  explicit Program(std::shared_ptr<executor::ProgramNode> node);
  std::shared_ptr<executor::ProgramNode> node_;
};

class Sequence : public Program {
public:
  Sequence(const DebugContext &debugContext = {});
  Sequence(std::initializer_list<Program> programs,
           const DebugContext &debugContext = {});
  void add(const Program &p);
};

class Execute : public Program {
public:
  explicit Execute(ComputeSet cs, const DebugContext &debugContext = {});
};

// src and dst must have the same element type and shape (the reference does
// not say whether the same number of elements would do; the host asks for
// the shape, which can only refuse more).
class Copy : public Program {
public:
  Copy(const Tensor &src, const Tensor &dst, bool dontOutline = false,
       const DebugContext &debugContext = {});
};

class Repeat : public Program {
public:
  Repeat(unsigned count, const Program &prog,
         const DebugContext &debugContext = {});
};

// Marks t's contents undefined; the host leaves them as they are.
class WriteUndef : public Program {
public:
  explicit WriteUndef(const Tensor &t, const DebugContext &debugContext = {});
};

} // namespace program
} // namespace poplar
