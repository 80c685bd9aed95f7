// Host only (not Poplar): the codelet libraries the host has compiled in.
// A real Poplar loads codelets from a file with Graph::addCodelets(path);
// here a library is registered once, by name, with the vertex types it
// holds, and Graph::addCodelets(path) adds the library whose name is the
// path or its file name ("snn_ipu_codelets.gp") to that graph.
#pragma once

#include <string>
#include <vector>

#include <poplar/StringRef.hpp>
#include <poplar/executor/VertexType.hpp>

namespace poplar {
namespace executor {

// Adds `vertices` to library `library`; a vertex type already there under
// the same name is kept (so registering twice changes nothing).
void registerCodelets(const std::string &library, std::vector<VertexType> vertices);

// The vertex types of the library named by `path` or by its file name (none
// if there is no such library). They stay valid for the rest of the program.
std::vector<const VertexType *> findCodelets(StringRef path);

} // namespace executor
} // namespace poplar
