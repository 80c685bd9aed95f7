"""One layer run on both backends, output by output: the graph backend
(snn_ipu/_backends/graph.py: the graph functions on an IPU target, the host executor) against
the host backend (the host module's runner), with random inputs. Used by
``python -m snn_ipu plan --run`` and by tests/graph/test_neuron_graph.py.

Every output must be bitwise equal, the parameters' per-neuron gradient
partials included. A parameter shared by all neurons gets the sum of its
partials: on the graph that of popops::reduce, whose order of additions is
not the host backend's (torch's sum), so that one is compared with the
float64 sum of the same partials, to float32 round-off of the sum."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np

from .._backends import graph
from .._backends.host import require_host
from .models import MODELS_BY_ID

# Surrogate constants as snnTorch's defaults (a, b) by surrogate id.
SURROGATE_DEFAULTS = {0: (2.0, 0.0), 1: (25.0, 0.0), 2: (25.0, 0.0), 3: (0.0, 0.0),
                      4: (0.0, 0.0), 5: (1.0, 0.0), 6: (1.0, 25.0), 7: (25.0, 1.0)}

# Parameter values near what the models are used with, by model id: each
# parameter's value, and the spread of per-neuron values around it.
_PARAMS = {0: [(0.9, 0.15), (1.0, 0.3), (1.0, 0.2)],
           1: [(0.85, 0.15), (0.9, 0.15), (1.0, 0.3)],
           2: [(0.9, 0.02), (0.8, 0.02), (None, 0.0), (1.0, 0.3)],
           3: [(1.0, 0.2), (0.2, 0.05), (1.0, 0.0), (0.8, 0.05), (1.0, 0.3)]}


@dataclass
class LayerCase:
    model: int = 0
    steps: int = 5
    neurons: int = 300
    dtype: type = np.float32
    reset_mode: int = 0
    reset_delay: bool = True
    record_states: bool = True
    surrogate: int = 0
    shared_params: bool = True
    static_input: bool = False
    seed: int = 0
    num_tiles: int = 0        # 0: a GC200's 1472
    bytes_per_tile: int = 0   # 0: 624 KiB


@dataclass
class Comparison:
    case: LayerCase
    differences: List[str] = field(default_factory=list)
    outputs: int = 0
    forward_report: Optional[dict] = None
    backward_report: Optional[dict] = None

    @property
    def equal(self) -> bool:
        return not self.differences


def _params(case: LayerCase, rng) -> list:
    values = []
    for value, spread in _PARAMS[case.model]:
        if value is None:  # alpha's tau, from alpha and beta as the caller computes it
            a, b = values[0], values[1]
            tau = np.log(a) / (np.log(b) - np.log(a)) + 1
            values.append(tau.astype(np.float32))
            continue
        size = 1 if case.shared_params else case.neurons
        values.append((value + spread * rng.uniform(-1, 1, size)).astype(np.float32))
    return values


def inputs(case: LayerCase):
    rng = np.random.default_rng(case.seed)
    spec = MODELS_BY_ID[case.model]
    rows = 1 if case.static_input else case.steps
    current = (1.2 * rng.standard_normal((rows, case.neurons)) + 0.3).astype(case.dtype)
    states = [(0.5 * rng.standard_normal(case.neurons)).astype(np.float32)
              for _ in spec.states]
    states[0] = None  # one state of zeros: the vertices read a zeros tensor
    up_spikes = rng.standard_normal((case.steps, case.neurons)).astype(case.dtype)
    up_records = [rng.standard_normal((case.steps, case.neurons)).astype(case.dtype)
                  for _ in range(spec.recorded)] if case.record_states else None
    if up_records:
        up_records[-1] = None  # an output the loss does not use
    up_finals = [rng.standard_normal(case.neurons).astype(np.float32) for _ in spec.states]
    up_finals[0] = None
    return current, states, _params(case, rng), up_spikes, up_records, up_finals


def _same(name: str, graph_value, host_value, out: Comparison) -> None:
    out.outputs += 1
    a, b = np.asarray(graph_value), np.asarray(host_value)
    if a.shape != b.shape:
        out.differences.append(f"{name}: shape {a.shape} against {b.shape}")
        return
    if a.tobytes() != b.tobytes():  # bitwise: NaNs and signed zeros included
        bits = a.view(np.uint8).reshape(a.size, -1) != b.view(np.uint8).reshape(b.size, -1)
        count = int(bits.any(axis=1).sum())
        first = int(np.argmax(bits.any(axis=1)))
        out.differences.append(f"{name}: {count} of {a.size} elements differ, first at "
                               f"{first}: {a.reshape(-1)[first]!r} against "
                               f"{b.reshape(-1)[first]!r}")


def compare(case: LayerCase, vertex_seed: int = 1) -> Comparison:
    host = require_host()
    spec = MODELS_BY_ID[case.model]
    current, states, params, up_spikes, up_records, up_finals = inputs(case)
    steps = case.steps if case.static_input else None
    out = Comparison(case)
    (g_spikes, g_records, g_finals), out.forward_report = graph.forward(
        spec, current, states, params, case.record_states, case.reset_mode,
        case.reset_delay, steps, vertex_seed, case.num_tiles, case.bytes_per_tile,
        report=True)
    h_spikes, h_records, h_finals = host.neuron_forward(
        case.model, current, states, params, case.record_states, case.reset_mode,
        case.reset_delay, 1, True, vertex_seed, steps)
    _same("spikes", g_spikes, h_spikes, out)
    for r in range(spec.recorded if case.record_states else 0):
        _same(f"{spec.states[r]}_record", g_records[r], h_records[r], out)
    if (g_records is None) != (h_records is None):
        out.differences.append("records: one backend wrote them, the other not")
    for k, name in enumerate(spec.states):
        _same(f"{name}_final", g_finals[k], h_finals[k], out)

    a, b = SURROGATE_DEFAULTS[case.surrogate]
    (g_current, g_states, g_params, g_partials), out.backward_report = graph.backward(
        spec, current, states, params, up_spikes, up_records, up_finals,
        case.reset_mode, case.reset_delay, case.surrogate, a, b, steps, vertex_seed,
        case.num_tiles, case.bytes_per_tile, report=True)
    h_current, h_states, h_partials = host.neuron_backward(
        case.model, current, states, params, up_spikes, up_records, up_finals,
        [True] * len(spec.states), True, case.reset_mode, case.reset_delay, case.surrogate,
        a, b, 1, True, vertex_seed, steps)
    _same("grad_current", g_current, h_current, out)
    for k, name in enumerate(spec.states):
        _same(f"grad_{name}_init", g_states[k], h_states[k], out)
    for i, name in enumerate(spec.params):
        _same(f"grad_{name} (per neuron)", g_partials[i], h_partials[i], out)
        if params[i].size == case.neurons:
            _same(f"grad_{name}", g_params[i], h_partials[i], out)
            continue
        out.outputs += 1
        exact = np.sum(h_partials[i], dtype=np.float64)
        scale = np.sum(np.abs(h_partials[i]), dtype=np.float64)
        error = abs(float(g_params[i][0]) - exact)
        if not error <= 1e-6 * scale + 1e-30:
            out.differences.append(f"grad_{name} (popops::reduce): {g_params[i][0]!r}, the "
                                   f"sum of the partials is {exact!r}")
    return out


def describe(result: Comparison) -> List[str]:
    return result.differences or [f"all {result.outputs} outputs bitwise equal to the host "
                                  f"backend"]

