// The parts of the snn_ipu._host module, one per binding file; Module.cpp
// calls each once.
#pragma once

#include <pybind11/pybind11.h>

namespace snn_ipu {

void bindNeurons(pybind11::module_ &m);   // NeuronBindings.cpp: the neuron kernels
void bindPlan(pybind11::module_ &m);      // PlanBindings.cpp: the tile plan
void bindRuntime(pybind11::module_ &m);   // RuntimeBindings.cpp: pool, threads
void bindLifCycles(pybind11::module_ &m); // CycleBindings.cpp: the cost model

} // namespace snn_ipu
