"""Run-time settings: which backend runs the kernels, and the host backend's
thread count, debug mode and output cache."""
from __future__ import annotations

import contextlib
import itertools
import os
import threading
from typing import Optional

import torch

from ._backends.host import host as _host
from ._counts import as_int, check_num_threads

__all__ = ["get_backend", "set_backend", "backend", "BACKENDS", "num_threads", "debug_enabled", "debug_mode", "set_debug", "next_debug_seed",
           "empty_cache", "set_cache_limit", "cache_stats", "threading_backend",
           "set_threading_backend"]

def _env_flag(value: Optional[str]) -> bool:
    """An on/off environment variable: unset, empty, 0, false, off and no
    (in any case) are off; anything else is on."""
    return (value or "").strip().lower() not in ("", "0", "false", "off", "no")


_debug = _env_flag(os.environ.get("SNN_IPU_DEBUG"))


class _ThreadDebug(threading.local):
    # debug_mode()'s setting for calls made in one thread; None: _debug's.
    # A class attribute, so that the lookup on every kernel call finds it
    # without a failed getattr.
    enabled: Optional[bool] = None


_thread_debug = _ThreadDebug()
_seeds = itertools.count(1)

# ------------------------------------------------------------ backend

#: "host": the host runner (the default). "graph": each kernel call builds
#: the layer's Poplar graph with the graph functions the IPU's Opxs call, on a
#: GC200-sized target, and runs it on the project's host executor of Poplar
#: graphs (every vertex bounds-checked, in a shuffled order): slower, bitwise
#: equal, for checking the IPU path without an IPU (snn_ipu/_backends/graph.py).
BACKENDS = ("host", "graph")
# The environment variable SNN_IPU_BACKEND sets the process-wide default (CI
# runs part of the snnTorch oracle tests with SNN_IPU_BACKEND=graph).
_backend = os.environ.get("SNN_IPU_BACKEND") or "host"
if _backend not in BACKENDS:
    raise ValueError(f"SNN_IPU_BACKEND: expected one of {', '.join(BACKENDS)}, "
                     f"got {_backend!r}")


class _ThreadBackend(threading.local):
    name: Optional[str] = None  # backend()'s setting in this thread


_thread_backend = _ThreadBackend()


def _check_backend(name, where):
    if name not in BACKENDS:
        raise ValueError(f"{where}: expected one of {', '.join(map(repr, BACKENDS))}, "
                         f"got {name!r}")


def get_backend() -> str:
    """The backend kernel calls made now, in this thread, run on: the
    innermost :func:`backend` block of this thread, else :func:`set_backend`'s
    process-wide setting (``"host"`` unless set)."""
    name = _thread_backend.name
    return _backend if name is None else name


def set_backend(name: str) -> None:
    """The backend for the whole process: ``"host"`` or ``"graph"`` (see
    :data:`BACKENDS`; also set by the environment variable
    ``SNN_IPU_BACKEND``). The graph backend's library is built on first use
    where it was not built with the package."""
    _check_backend(name, "set_backend")
    global _backend
    _backend = name


@contextlib.contextmanager
def backend(name: str):
    """The backend (see :func:`set_backend`) for the kernel calls this thread
    makes inside the block. A backward runs on the backend in force when it
    runs, not the one its forward ran on."""
    _check_backend(name, "backend")
    previous = _thread_backend.name
    _thread_backend.name = name
    try:
        yield
    finally:
        _thread_backend.name = previous


def num_threads(requested: Optional[int] = None) -> int:
    """Threads for one kernel call: ``requested`` (an int from 1 to 1024),
    else ``torch.get_num_threads()``."""
    if requested is None:
        return max(1, torch.get_num_threads())
    return check_num_threads(requested)


def debug_enabled() -> bool:
    """Whether kernel calls made now, in this thread, run in debug mode: the
    innermost :func:`debug_mode` of this thread, else :func:`set_debug`'s
    process-wide setting."""
    enabled = _thread_debug.enabled
    return _debug if enabled is None else enabled


def set_debug(enabled: bool) -> None:
    """Debug mode, for the whole process: the host runner fills outputs with
    NaN before the vertices run and calls the (tile, worker) pairs in a
    shuffled order, so a codelet that reads an output or depends on worker
    order gives a different answer. Also enabled by the environment variable
    ``SNN_IPU_DEBUG`` (``0``, ``false``, ``off``, ``no`` or empty: off)."""
    if not isinstance(enabled, bool):
        raise TypeError(f"set_debug: expected True or False, got {enabled!r}")
    global _debug
    _debug = enabled


@contextlib.contextmanager
def debug_mode(enabled: bool = True):
    """Debug mode (see :func:`set_debug`) for the kernel calls this thread
    makes inside the block, as torch.no_grad is per thread. A backward runs
    in the mode in force when it runs, not the one its forward ran in."""
    if not isinstance(enabled, bool):
        raise TypeError(f"debug_mode: expected True or False, got {enabled!r}")
    previous = _thread_debug.enabled
    _thread_debug.enabled = enabled
    try:
        yield
    finally:
        _thread_debug.enabled = previous


def next_debug_seed() -> int:
    """A new shuffle seed for each debug-mode kernel call."""
    return next(_seeds)


# ------------------------------------------------------------ threading


def threading_backend() -> str:
    """Where the kernels' work items run: ``"openmp (<library>)"``, the
    OpenMP team of the torch in this process (whose workers would otherwise
    spin beside ours), or ``"pool"``, snn_ipu's own threads (where torch has
    no OpenMP runtime, and in forked children). ``"none"`` without the host
    backend."""
    return "none" if _host is None else _host.threading_backend()


def set_threading_backend(backend: str) -> None:
    """``"auto"`` (the default: OpenMP when available), ``"pool"`` or
    ``"openmp"`` (a RuntimeError where no OpenMP runtime is loaded, as in a
    forked child); anything else is a ValueError."""
    if backend not in ("auto", "pool", "openmp"):
        raise ValueError(f"backend: expected 'auto', 'pool' or 'openmp', got {backend!r}")
    if _host is None:
        raise RuntimeError("set_threading_backend: the host backend is not built")
    _host.set_threading_backend(backend)


# ----------------------------------------------------------- output cache
# Kernel outputs of 4 MiB or more, and the backward's scratch, come from a
# caching pool (csrc/ops/runtime/OutputPool.hpp), which keeps freed buffers
# for reuse as PyTorch's CUDA caching allocator does: a fresh buffer's first
# write pays for its page faults (benchmarks/RESULTS.md, "Tuning constants").


def empty_cache() -> None:
    """Return every cached output buffer to the system."""
    if _host is not None:
        _host.pool_empty_cache()


def set_cache_limit(num_bytes: int) -> None:
    """Keep at most ``num_bytes`` of freed output buffers for reuse (0: none)."""
    count = as_int(num_bytes)
    if count is None or not 0 <= count < 1 << 64:
        raise ValueError(f"num_bytes: expected an int from 0 to 2**64 - 1, got {num_bytes!r}")
    num_bytes = count
    if _host is not None:
        _host.pool_set_limit(num_bytes)


def cache_stats() -> dict:
    """in_use_bytes, peak_in_use_bytes, cached_bytes and limit_bytes of the
    output pool, which holds the outputs of 4 MiB or more and the backward's
    working buffers (its scratch and an initial-membrane gradient nobody
    asked for; not the per-thread buffers of ops.lif_linear's backward),
    zeros where the host backend is not built."""
    if _host is None:
        return {"in_use_bytes": 0, "peak_in_use_bytes": 0, "cached_bytes": 0, "limit_bytes": 0}
    return dict(_host.pool_stats())


def _limit_from_environment() -> None:
    value = os.environ.get("SNN_IPU_CACHE_LIMIT_MB")
    if value:
        try:
            set_cache_limit(int(value) << 20)
        except ValueError as exc:
            raise ValueError(f"SNN_IPU_CACHE_LIMIT_MB: expected a number of MiB, "
                             f"got {value!r}") from exc


_limit_from_environment()
