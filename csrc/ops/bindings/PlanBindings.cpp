// pybind11 bindings of the tile plan (LifPlan.hpp), part of snn_ipu._host:
// the GC200 plan that `python -m snn_ipu plan` prints and the tests check, and
// the plan the host runner uses.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <string>

#include "ops/bindings/BindingHelpers.hpp"
#include "ops/bindings/Bindings.hpp"
#include "ops/host/HostNeuron.hpp"
#include "ops/host/HostRunner.hpp"
#include "ops/plan/LifPlan.hpp"

namespace py = pybind11;

namespace snn_ipu {

namespace {
TileConfig makeConfig(std::uint64_t numTiles, unsigned workersPerTile,
                      std::uint64_t bytesPerTile, unsigned chunkNeurons) {
  TileConfig c;
  c.numTiles = numTiles;
  c.workersPerTile = workersPerTile;
  c.bytesPerTile = bytesPerTile;
  c.chunkNeurons = chunkNeurons;
  return c;
}
} // namespace

void bindPlan(py::module_ &m) {
  const TileConfig gc200; // TileConfig's defaults are a GC200's
  py::dict target;
  target["num_tiles"] = gc200.numTiles;
  target["workers_per_tile"] = gc200.workersPerTile;
  target["bytes_per_tile"] = gc200.bytesPerTile;
  target["chunk_neurons"] = gc200.chunkNeurons;
  m.attr("GC200") = target;

  py::class_<LifPlan>(m, "LifPlan")
      .def_readonly("model", &LifPlan::model)
      .def_readonly("num_steps", &LifPlan::numSteps)
      .def_readonly("num_neurons", &LifPlan::numNeurons)
      .def_property_readonly(
          "dtype", [](const LifPlan &p) { return elementTypeName(p.type); })
      .def_property_readonly("num_tiles",
                             [](const LifPlan &p) { return p.config.numTiles; })
      .def_property_readonly(
          "workers_per_tile",
          [](const LifPlan &p) { return p.config.workersPerTile; })
      .def_property_readonly(
          "bytes_per_tile",
          [](const LifPlan &p) { return p.config.bytesPerTile; })
      .def_readonly("chunk_neurons", &LifPlan::chunkNeurons)
      .def_readonly("grain", &LifPlan::grain)
      .def_readonly("neurons_per_tile", &LifPlan::neuronsPerTile)
      .def_readonly("tiles_used", &LifPlan::tilesUsed)
      .def_readonly("forward_bytes_per_tile", &LifPlan::forwardBytesPerTile)
      .def_readonly("backward_bytes_per_tile", &LifPlan::backwardBytesPerTile)
      .def_readonly("backward_scratch_elements",
                    &LifPlan::backwardScratchElements)
      .def_property_readonly(
          "max_saved_planes",
          [](const LifPlan &p) { return maxSavedPlanes(p.model); })
      .def("tile_range",
           [](const LifPlan &p, std::uint64_t tile) {
             if (tile >= p.tilesUsed)
               throw py::index_error("tile: expected 0 <= tile < tiles_used");
             return py::make_tuple(p.tileBegin(tile), p.tileEnd(tile));
           })
      .def("worker_range",
           [](const LifPlan &p, std::uint64_t tile, unsigned worker) {
             if (tile >= p.tilesUsed)
               throw py::index_error("tile: expected 0 <= tile < tiles_used");
             if (worker >= p.config.workersPerTile)
               throw py::index_error("worker: expected 0 <= worker < workers_per_tile");
             const WorkerRange r = p.workerNeurons(tile, worker);
             const std::uint64_t base = p.tileBegin(tile);
             return py::make_tuple(base + r.begin, base + r.end);
           },
           "Absolute neuron range [begin, end) of one worker of one tile.");

  m.def(
      "plan",
      [](std::uint64_t numSteps, std::uint64_t numNeurons,
         const std::string &dtype, std::uint64_t numTiles,
         unsigned workersPerTile, std::uint64_t bytesPerTile,
         unsigned chunkNeurons, unsigned model) {
        checkModel(model);
        return planLif(model, numSteps, numNeurons, parseType(dtype),
                       makeConfig(numTiles, workersPerTile, bytesPerTile,
                                  chunkNeurons));
      },
      py::arg("num_steps"), py::arg("num_neurons"), py::arg("dtype") = "float",
      py::arg("num_tiles") = gc200.numTiles,
      py::arg("workers_per_tile") = gc200.workersPerTile,
      py::arg("bytes_per_tile") = gc200.bytesPerTile,
      py::arg("chunk_neurons") = gc200.chunkNeurons,
      py::arg("model") = kModelLeaky,
      "The tile plan for a [T, N] layer of neuron model `model` (GC200 "
      "defaults).");
  m.def(
      "host_plan",
      [](std::uint64_t numSteps, std::uint64_t numNeurons,
         const std::string &dtype, unsigned numThreads, bool debug,
         unsigned model, std::optional<unsigned> scratchPlanes) {
        checkModel(model);
        return hostPlan(model, numSteps, numNeurons, parseType(dtype),
                        makeRun(numThreads, debug, 0),
                        scratchPlanes.value_or(maxSavedPlanes(model)));
      },
      py::arg("num_steps"), py::arg("num_neurons"), py::arg("dtype") = "float",
      py::arg("num_threads") = 1, py::arg("debug") = false,
      py::arg("model") = kModelLeaky, py::arg("scratch_planes") = py::none(),
      "The plan the host runner uses for a [T, N] layer of neuron model "
      "`model`: its backward's when the backward stores `scratch_planes` "
      "planes per neuron and step (default: the model's most, what every "
      "call stays within), its forward's with 0.");
}

} // namespace snn_ipu
