#include <poplar/Engine.hpp>

#include <poplar/exceptions.hpp>

#include "CompiledGraph.hpp"

namespace poplar {

Engine::Engine(const Graph &graph, ArrayRef<program::Program> progs,
               const OptionFlags &)
    : compiled_(std::make_unique<executor::CompiledGraph>(graph.sharedState(), progs)) {}

Engine::Engine(const Graph &graph, const program::Program &prog,
               const OptionFlags &options)
    : Engine(graph, ArrayRef<program::Program>(&prog, 1), options) {}

Engine::Engine(Engine &&) noexcept = default;
Engine &Engine::operator=(Engine &&) noexcept = default;
Engine::~Engine() = default;

void Engine::load(const Device &device) {
  const Target &mine = compiled_->target(), &theirs = device.getTarget();
  if (mine.getNumTiles() != theirs.getNumTiles() ||
      mine.getNumWorkerContexts() != theirs.getNumWorkerContexts() ||
      mine.getBytesPerTile() != theirs.getBytesPerTile())
    throw poplar_error("load: the device's target (" +
                       std::to_string(theirs.getNumTiles()) +
                       " tiles) is not the one the graph was built for (" +
                       std::to_string(mine.getNumTiles()) + " tiles)");
  loaded_ = true;
}

void Engine::requireLoaded(const char *what) const {
  if (!loaded_)
    throw runtime_error(std::string(what) +
                        ": the engine is not loaded on a device (Engine::load)");
}

void Engine::run(unsigned prog, const std::string &) {
  requireLoaded("run");
  compiled_->run(prog);
}

void Engine::writeTensor(StringRef handle, const void *buf, const void *bufEnd) {
  requireLoaded("writeTensor");
  compiled_->write(handle, buf, bufEnd);
}

void Engine::readTensor(StringRef handle, void *buf, void *bufEnd) {
  requireLoaded("readTensor");
  compiled_->read(handle, buf, bufEnd);
}

namespace executor {

GraphReport report(const Engine &engine) { return engine.compiled_->report(); }

void setVertexOrderSeed(Engine &engine, std::uint64_t seed) {
  engine.compiled_->setSeed(seed);
}

} // namespace executor
} // namespace poplar
