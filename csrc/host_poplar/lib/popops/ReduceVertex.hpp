// The host's reduction vertices (compiled in ReduceVertex.cpp, a bounds-
// checked variant) and their names: popops::host::Reduce<OP,in,out> sets
// out[o] to the reduction of edge o of `partials`, in element order.
#pragma once

#include <string>

#include <poplar/Type.hpp>
#include <popops/OperationDef.hpp>

namespace popops {
namespace host {

// The codelet library Graph::addCodelets finds them in.
constexpr const char *kCodeletLibrary = "popops.gp";

std::string reduceVertexName(Operation op, const poplar::Type &in,
                             const poplar::Type &out);

// Whether the host has a reduction vertex for these.
bool hasReduceVertex(Operation op, const poplar::Type &in, const poplar::Type &out);

// Registers the library (once; later calls change nothing).
void registerCodelets();

} // namespace host
} // namespace popops
