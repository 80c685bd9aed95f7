"""Run-time settings of the host backend: thread count, debug mode and the
output cache."""
from __future__ import annotations

import contextlib
import itertools
import os
import threading
from typing import Optional

import torch

from ._backend import host as _host
from ._compat import autocast_cpu, compiling  # noqa: F401 - used as runtime.*

__all__ = ["num_threads", "debug_enabled", "debug_mode", "set_debug", "next_debug_seed",
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


MAX_THREADS = 1024  # the most threads one kernel call takes


def num_threads(requested: Optional[int] = None) -> int:
    """Threads for one kernel call: ``requested``, else ``torch.get_num_threads()``."""
    if requested is None:
        return max(1, torch.get_num_threads())
    threads = _as_int(requested)
    if threads is None or not 1 <= threads <= MAX_THREADS:
        raise ValueError(f"num_threads: expected an int from 1 to {MAX_THREADS}, "
                         f"got {requested!r}")
    return threads


def _as_int(value) -> Optional[int]:
    """``value`` as a Python int (numpy and torch integers accepted), or None
    for anything else, bool included."""
    import operator

    # Python and torch booleans are not counts (operator.index refuses
    # numpy's). No getattr: torch.compile passes a dynamic count as a
    # SymInt, on which it cannot trace one.
    if isinstance(value, bool) or (isinstance(value, torch.Tensor)
                                   and value.dtype == torch.bool):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


def check_num_steps(num_steps) -> int:
    """``num_steps`` as a positive Python int (numpy and torch integers
    accepted), or a ValueError naming it."""
    steps = _as_int(num_steps)
    if steps is None or steps < 1:
        raise ValueError(f"num_steps: expected a positive int, got {num_steps!r}")
    return steps


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
# Kernel outputs of 4 MiB or more come from a caching pool
# (csrc/ops/runtime/OutputPool.hpp; the host module allocates the outputs, see
# csrc/ops/bindings/OutputArrays.hpp). A fresh large buffer comes from mmap, and its
# first write pays for page faults and zeroing: about 25 ms for 100 MiB with
# 4 KiB pages on our machine, against 2-3 ms to write it. The buffers of
# freed outputs are kept for reuse, up to a limit (1 GiB by default, or
# SNN_IPU_CACHE_LIMIT_MB), as PyTorch's CUDA caching allocator does, so that
# training loops do not pay for fresh pages at every call. The backward's
# scratch comes from the same pool, and is counted in its statistics.


def empty_cache() -> None:
    """Return every cached output buffer to the system."""
    if _host is not None:
        _host.pool_empty_cache()


def set_cache_limit(num_bytes: int) -> None:
    """Keep at most ``num_bytes`` of freed output buffers for reuse (0: none)."""
    count = _as_int(num_bytes)
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
