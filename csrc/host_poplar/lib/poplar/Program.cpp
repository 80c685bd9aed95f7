#include <poplar/Program.hpp>

#include <poplar/exceptions.hpp>

#include "ProgramNode.hpp"

namespace poplar {
namespace program {

using executor::ProgramNode;

namespace {

std::shared_ptr<ProgramNode> newNode(ProgramNode::Kind kind,
                                     const DebugContext &debugContext) {
  auto n = std::make_shared<ProgramNode>();
  n->kind = kind;
  n->name = debugContext.getPathName();
  return n;
}

} // namespace

Program::Program() : node_(std::make_shared<ProgramNode>()) {}
Program::Program(std::shared_ptr<ProgramNode> n) : node_(std::move(n)) {}
Program::Program(const Program &other)
    : node_(std::make_shared<ProgramNode>(*other.node_)) {}
Program &Program::operator=(const Program &other) {
  node_ = std::make_shared<ProgramNode>(*other.node_);
  return *this;
}
Program::~Program() = default;

bool Program::isEmpty() const {
  return node_->kind == ProgramNode::Kind::Nothing ||
         (node_->kind == ProgramNode::Kind::Sequence && node_->children.empty());
}

Sequence::Sequence(const DebugContext &debugContext)
    : Program(newNode(ProgramNode::Kind::Sequence, debugContext)) {}

Sequence::Sequence(std::initializer_list<Program> programs,
                   const DebugContext &debugContext)
    : Sequence(debugContext) {
  for (const Program &p : programs)
    add(p);
}

void Sequence::add(const Program &p) {
  node_->children.push_back(std::make_shared<ProgramNode>(p.node()));
}

Execute::Execute(ComputeSet cs, const DebugContext &debugContext)
    : Program(newNode(ProgramNode::Kind::Execute, debugContext)) {
  node_->computeSet = cs.getId();
}

Copy::Copy(const Tensor &src, const Tensor &dst, bool,
           const DebugContext &debugContext)
    : Program(newNode(ProgramNode::Kind::Copy, debugContext)) {
  if (src.elementType() != dst.elementType() || src.shape() != dst.shape())
    throw poplar_error("Copy '" + debugContext.getPathName() + "': from " +
                       src.elementType().toString() + " " + src.shapeToString() +
                       " to " + dst.elementType().toString() + " " +
                       dst.shapeToString() +
                       " (a copy needs one element type and shape)");
  node_->src = src;
  node_->dst = dst;
}

Repeat::Repeat(unsigned count, const Program &prog,
               const DebugContext &debugContext)
    : Program(newNode(ProgramNode::Kind::Repeat, debugContext)) {
  node_->count = count;
  node_->children.push_back(std::make_shared<ProgramNode>(prog.node()));
}

WriteUndef::WriteUndef(const Tensor &t, const DebugContext &debugContext)
    : Program(newNode(ProgramNode::Kind::Nothing, debugContext)) {
  t.view(); // refuses an invalid tensor
}

} // namespace program
} // namespace poplar
