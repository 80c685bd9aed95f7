"""The neuron layers' graph construction (csrc/ops/graph/NeuronGraph.cpp, what
the IPU Opxs call), forward and backward, built on a GC200-sized target and
executed by the host executor (vertices shuffled, bounds-checked shim):
every output bitwise equal to the host backend's, for every neuron model,
reset modes, surrogates, both element types, with and without recorded
states, shared and per-neuron parameters, and a static input. The shared
parameters' gradients (popops::reduce) against the sum of the same partials
(snn_ipu/_lif/graph_compare.py says why not bitwise)."""
import numpy as np
import pytest

from snn_ipu._backends import graph, graph_build
from snn_ipu._lif.graph_compare import LayerCase, compare

pytestmark = pytest.mark.skipif(
    not graph_build.have_sources() or graph_build.compiler() is None,
    reason="the graph backend is built from the source checkout with a C++ compiler")

LEAKY, SYNAPTIC, ALPHA, LAPICQUE = range(4)
SUBTRACT, ZERO, NONE = range(3)

CASES = [
    # model, reset, delay, surrogate, dtype, record, shared, static
    (LEAKY, SUBTRACT, True, 0, np.float32, True, True, False),
    (LEAKY, ZERO, False, 1, np.float32, False, False, False),
    (LEAKY, SUBTRACT, False, 2, np.float16, True, False, False),
    (LEAKY, NONE, True, 5, np.float32, True, True, True),
    (LEAKY, ZERO, True, 6, np.float16, False, True, False),
    (LEAKY, SUBTRACT, True, 7, np.float32, True, False, True),
    (SYNAPTIC, SUBTRACT, True, 0, np.float32, True, False, False),
    (SYNAPTIC, ZERO, False, 3, np.float16, True, True, False),
    (SYNAPTIC, NONE, True, 4, np.float32, False, True, False),
    (ALPHA, ZERO, True, 0, np.float32, True, True, False),
    (ALPHA, SUBTRACT, True, 2, np.float16, False, False, False),
    (LAPICQUE, SUBTRACT, True, 0, np.float32, True, False, False),
    (LAPICQUE, ZERO, True, 1, np.float16, True, True, True),
]


def _id(case):
    model, reset, delay, surrogate, dtype, record, shared, static = case
    return (f"{['leaky', 'synaptic', 'alpha', 'lapicque'][model]}-"
            f"{['subtract', 'zero', 'none'][reset]}{'' if delay else '-nodelay'}-"
            f"sg{surrogate}-{np.dtype(dtype).name}-{'rec' if record else 'spikes'}-"
            f"{'shared' if shared else 'perneuron'}{'-static' if static else ''}")


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_graph_layer_is_bitwise_the_host_backend(case):
    model, reset, delay, surrogate, dtype, record, shared, static = case
    layer = LayerCase(model=model, steps=6, neurons=301, dtype=dtype, reset_mode=reset,
                      reset_delay=delay, record_states=record, surrogate=surrogate,
                      shared_params=shared, static_input=static, seed=len(_id(case)))
    result = compare(layer, vertex_seed=3)
    assert result.equal, "\n".join(result.differences)
    # The layer was spread over many tiles of the GC200, and reached them
    # through exchanges.
    report = result.forward_report
    assert report["numTiles"] == 1472 and report["bytesPerTile"] == 624 * 1024
    assert report["planTiles"] > 1 and report["exchangeBytes"] > 0
    assert result.backward_report["computeSets"] >= 1


@pytest.mark.parametrize("neurons", [1, 3, 5])
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_a_few_neurons_rows_of_odd_width(neurons, dtype):
    # One neuron (or three halves) on one tile: its consecutive rows are one
    # region of the tile's memory, and each row's edge must still be 8-byte
    # aligned (PlanLayout pads the rows to the worker grain).
    layer = LayerCase(model=SYNAPTIC, steps=5, neurons=neurons, dtype=dtype)
    result = compare(layer)
    assert result.equal, "\n".join(result.differences)


def test_a_layer_over_every_tile():
    layer = LayerCase(model=LEAKY, steps=3, neurons=1472 * 8 - 6, shared_params=False)
    result = compare(layer)
    assert result.equal, "\n".join(result.differences)
    assert result.forward_report["planTiles"] == 1472


def test_a_layer_that_does_not_fit_is_refused_with_the_plans_message():
    with pytest.raises(graph.GraphError, match="snn_ipu neuron layer"):
        compare(LayerCase(steps=4, neurons=1000, num_tiles=2, bytes_per_tile=4096))
