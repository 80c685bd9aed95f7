"""The graph backend: a neuron layer built with the graph functions of
csrc/ops/graph (what the IPU's Opxs call) on an IPU target, and executed by
the project's host implementation of Poplar (csrc/host_poplar), every vertex
through the bounds-checked vertex shim, in a shuffled order.

Its library, libsnn_ipu_graph.so (a C interface, GraphBackend.h), is not
part of the default build: it compiles every vertex instance a second time,
bounds-checked, which would add minutes to every install. It is loaded from
the package folder where the build put it (-DSNN_IPU_GRAPH_BACKEND=ON), else
built on first use from the source checkout (about 200 s of CPU, once per
state of the sources, cached in build/ with an object per source file), else
refused with what to do."""
from __future__ import annotations

import ctypes
import threading
from pathlib import Path
from typing import Optional

import numpy as np

from . import graph_build

MAX_STATES, MAX_PARAMS = 3, 5
_PACKAGE = Path(__file__).resolve().parents[1]


class Layer(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint32) for name in
                ("model", "resetMode", "resetDelay", "recordStates", "surrogate", "half")] + [
        ("surrogateA", ctypes.c_float), ("surrogateB", ctypes.c_float),
        ("numSteps", ctypes.c_uint64), ("numNeurons", ctypes.c_uint64),
        ("currentRows", ctypes.c_uint64),
        ("numTiles", ctypes.c_uint32), ("bytesPerTile", ctypes.c_uint64),
        ("seed", ctypes.c_uint64),
        ("current", ctypes.c_void_p),
        ("stateInit", ctypes.c_void_p * MAX_STATES),
        ("params", ctypes.c_void_p * MAX_PARAMS),
        ("paramSizes", ctypes.c_uint64 * MAX_PARAMS),
        ("spikes", ctypes.c_void_p),
        ("records", ctypes.c_void_p * MAX_STATES),
        ("stateFinal", ctypes.c_void_p * MAX_STATES),
        ("gradSpikes", ctypes.c_void_p),
        ("gradRecords", ctypes.c_void_p * MAX_STATES),
        ("gradStateFinal", ctypes.c_void_p * MAX_STATES),
        ("gradCurrent", ctypes.c_void_p),
        ("gradStateInit", ctypes.c_void_p * MAX_STATES),
        ("gradParams", ctypes.c_void_p * MAX_PARAMS),
        ("gradParamPartials", ctypes.c_void_p * MAX_PARAMS),
    ]


REPORT_FIELDS = ("numTiles", "bytesPerTile", "tilesUsed", "variables", "vertices", "edges",
                 "computeSets", "copies", "copyBytes", "exchangeBytes", "largestTile",
                 "largestTileBytes", "planTiles", "planNeuronsPerTile", "planChunkNeurons",
                 "planForwardBytesPerTile", "planBackwardBytesPerTile")


class Report(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint64) for name in REPORT_FIELDS]

    def as_dict(self) -> dict:
        return {name: int(getattr(self, name)) for name in REPORT_FIELDS}


class GraphError(RuntimeError):
    """The graph backend refused a layer (the plan's or the executor's
    message), or could not be built."""


_lock = threading.Lock()
_library: Optional[ctypes.CDLL] = None


def library() -> ctypes.CDLL:
    """libsnn_ipu_graph.so, loaded (and built first, where it must be) once."""
    global _library
    with _lock:
        if _library is None:
            _library = ctypes.CDLL(str(_find_or_build()))
            for name in ("snn_graph_forward", "snn_graph_backward"):
                fn = getattr(_library, name)
                fn.restype = ctypes.c_int
                fn.argtypes = [ctypes.POINTER(Layer), ctypes.POINTER(Report),
                               ctypes.c_char_p, ctypes.c_size_t]
        return _library


def _find_or_build() -> Path:
    installed = _PACKAGE / graph_build.GRAPH_LIBRARY
    if installed.exists():
        return installed
    if not graph_build.have_sources():
        raise GraphError(
            "the graph backend is not built: reinstall snn_ipu from a source checkout with "
            "SNN_IPU_CMAKE_ARGS=-DSNN_IPU_GRAPH_BACKEND=ON, or install it editable "
            "(pip install -e .) so that it can be built on first use")
    cxx = graph_build.compiler()
    if cxx is None:
        raise GraphError("the graph backend is built on first use, with a C++17 compiler: "
                         "none found (set CXX)")
    return graph_build.build_graph_library(cxx)


def _ptr(array) -> Optional[int]:
    return None if array is None else array.ctypes.data


def _rows(array, dtype):
    return np.ascontiguousarray(array, dtype=dtype)


def _layer(spec, current, states, params, reset_mode, reset_delay, num_steps, seed,
           num_tiles, bytes_per_tile, keep):
    """The Layer of the call, its inputs converted and kept alive in `keep`."""
    if current.dtype not in (np.float16, np.float32):
        raise GraphError(f"the graph backend runs float16 and float32 layers (the IPU's "
                         f"types), got {current.dtype}")
    rows, n = current.shape
    layer = Layer(model=spec.id, resetMode=reset_mode, resetDelay=int(reset_delay),
                  half=int(current.dtype == np.float16), numSteps=num_steps or rows,
                  numNeurons=n, currentRows=rows, numTiles=num_tiles,
                  bytesPerTile=bytes_per_tile, seed=seed)
    current = _rows(current, current.dtype)
    keep.append(current)
    layer.current = _ptr(current)
    for k in range(len(spec.states)):
        state = None if states is None or states[k] is None else \
            _rows(np.reshape(states[k], -1), np.float32)
        keep.append(state)
        layer.stateInit[k] = _ptr(state)
    for i, param in enumerate(params):
        value = _rows(np.reshape(param, -1), np.float32)
        keep.append(value)
        layer.params[i] = _ptr(value)
        layer.paramSizes[i] = value.size
    return layer, spec


def _call(name, layer, want_report):
    report = Report()
    error = ctypes.create_string_buffer(4096)
    status = getattr(library(), name)(ctypes.byref(layer), ctypes.byref(report), error,
                                      len(error))
    if status != 0:
        raise GraphError(error.value.decode(errors="replace"))
    return report.as_dict() if want_report else None


def forward(spec, current, states, params, record_states, reset_mode, reset_delay,
            num_steps=None, seed=0, num_tiles=0, bytes_per_tile=0, report=False):
    """As _host.neuron_forward, for the model `spec` (a ModelSpec of
    snn_ipu/_lif/models.py), numpy arrays (current [rows, N]): returns
    (spikes, records or None, finals), and the report dict with report=True."""
    keep = []
    layer, spec = _layer(spec, current, states, params, reset_mode, reset_delay,
                         num_steps, seed, num_tiles, bytes_per_tile, keep)
    layer.recordStates = int(record_states)
    steps, n = layer.numSteps, layer.numNeurons
    spikes = np.empty((steps, n), current.dtype)
    layer.spikes = _ptr(spikes)
    records = [np.empty((steps, n), current.dtype) for _ in range(spec.recorded)] \
        if record_states else None
    for r, record in enumerate(records or ()):
        layer.records[r] = _ptr(record)
    finals = [np.empty(n, np.float32) for _ in spec.states]
    for k, final in enumerate(finals):
        layer.stateFinal[k] = _ptr(final)
    info = _call("snn_graph_forward", layer, report)
    out = (spikes, records, finals)
    return (out, info) if report else out


def backward(spec, current, states, params, grad_spikes, grad_records, grad_finals,
             reset_mode, reset_delay, surrogate, surrogate_a, surrogate_b, num_steps=None,
             seed=0, num_tiles=0, bytes_per_tile=0, report=False):
    """As _host.neuron_backward for the model `spec`, every gradient wanted: returns (the current's
    gradient, the initial states' gradients, the parameters' gradients as
    popops::reduce gives them (each in its parameter's size), the parameters'
    per-neuron partials), and the report dict with report=True."""
    keep = []
    layer, spec = _layer(spec, current, states, params, reset_mode, reset_delay,
                         num_steps, seed, num_tiles, bytes_per_tile, keep)
    layer.surrogate, layer.surrogateA, layer.surrogateB = surrogate, surrogate_a, surrogate_b
    # Every record's gradient is read, whether the forward recorded or not.
    layer.recordStates = 1
    steps, n, rows = layer.numSteps, layer.numNeurons, layer.currentRows

    def upstream(array, shape, dtype):
        if array is None:
            return None
        value = _rows(np.reshape(array, shape), dtype)
        keep.append(value)
        return _ptr(value)

    layer.gradSpikes = upstream(grad_spikes, (steps, n), current.dtype)
    for r, grad in enumerate(grad_records or ()):
        layer.gradRecords[r] = upstream(grad, (steps, n), current.dtype)
    for k, grad in enumerate(grad_finals or ()):
        layer.gradStateFinal[k] = upstream(grad, (n,), np.float32)
    grad_current = np.empty((rows, n), current.dtype)
    layer.gradCurrent = _ptr(grad_current)
    grad_states = [np.empty(n, np.float32) for _ in spec.states]
    for k, grad in enumerate(grad_states):
        layer.gradStateInit[k] = _ptr(grad)
    grad_params = [np.empty(int(layer.paramSizes[i]), np.float32)
                   for i in range(len(spec.params))]
    partials = [np.empty(n, np.float32) for _ in spec.params]
    for i in range(len(spec.params)):
        layer.gradParams[i] = _ptr(grad_params[i])
        layer.gradParamPartials[i] = _ptr(partials[i])
    info = _call("snn_graph_backward", layer, report)
    out = (grad_current, grad_states, grad_params, partials)
    return (out, info) if report else out
