// pybind11 bindings of the vertex cost model (LifCycles.hpp), part of
// snn_ipu._host: `python -m snn_ipu plan` reports the estimated cycles of the
// same model the IPU build registers with Poplar.
#include <pybind11/pybind11.h>

#include "codelets/LifTypes.hpp"
#include "ops/bindings/BindingHelpers.hpp"
#include "ops/bindings/Bindings.hpp"
#include "ops/plan/LifCycles.hpp"
#include "ops/plan/LifPlan.hpp"

namespace py = pybind11;

namespace snn_ipu {

void bindLifCycles(py::module_ &m) {
  m.def(
      "lif_cycles",
      [](const LifPlan &plan, unsigned resetMode, bool resetDelay,
         unsigned surrogate, bool recordMem) {
        checkResetMode(resetMode);
        checkSurrogate(surrogate);
        const LifVertexShape shape = vertexShapeOf(plan);
        return py::make_tuple(
            lifForwardCycles(shape, resetMode, resetDelay, recordMem),
            lifBackwardCycles(shape, resetMode, resetDelay, surrogate));
      },
      py::arg("plan"), py::arg("reset_mode") = kResetSubtract,
      py::arg("reset_delay") = true, py::arg("surrogate") = kSurrogateATan,
      py::arg("record_mem") = true,
      "Estimated tile cycles (forward, backward) of the plan's slowest "
      "vertex, from the cost model in csrc/ops/plan/LifCycles.hpp.");
}

} // namespace snn_ipu
