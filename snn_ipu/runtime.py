"""Run-time settings of the host backend: thread count and debug mode."""
from __future__ import annotations

import contextlib
import itertools
import os
from typing import Optional

import torch

__all__ = ["num_threads", "debug_enabled", "debug_mode", "set_debug", "next_debug_seed"]

_debug = os.environ.get("SNN_IPU_DEBUG", "") not in ("", "0")
_seeds = itertools.count(1)


def num_threads(requested: Optional[int] = None) -> int:
    """Threads for one kernel call: ``requested``, else ``torch.get_num_threads()``."""
    if requested is None:
        return max(1, torch.get_num_threads())
    if isinstance(requested, bool) or not isinstance(requested, int) or not 1 <= requested <= 1024:
        raise ValueError(f"num_threads: expected an int from 1 to 1024, got {requested!r}")
    return requested


def debug_enabled() -> bool:
    return _debug


def set_debug(enabled: bool) -> None:
    """Debug mode: the host runner fills outputs with NaN before the vertices
    run and calls the (tile, worker) pairs in a shuffled order, so a codelet
    that reads an output or depends on worker order gives a different answer.
    Also enabled by the environment variable ``SNN_IPU_DEBUG=1``."""
    global _debug
    _debug = bool(enabled)


@contextlib.contextmanager
def debug_mode(enabled: bool = True):
    """Context manager form of :func:`set_debug`."""
    global _debug
    previous = _debug
    _debug = bool(enabled)
    try:
        yield
    finally:
        _debug = previous


def next_debug_seed() -> int:
    """A new shuffle seed for each debug-mode kernel call."""
    return next(_seeds)
