"""Counts given to snn_ipu (thread counts, numbers of time steps) as Python
ints, whatever integer type they come as, or an error naming them."""
from __future__ import annotations

import operator
from typing import Optional

import torch

# The most threads one kernel call takes; the host module refuses more
# (csrc/ops/bindings/BindingHelpers.hpp, kMaxThreads; a test checks they agree).
MAX_THREADS = 1024


def as_int(value) -> Optional[int]:
    """``value`` as a Python int (numpy and torch integers accepted), or None
    for anything else, bool included."""
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


def check_num_threads(requested) -> int:
    """``requested`` as an int from 1 to MAX_THREADS, or a ValueError naming it."""
    threads = as_int(requested)
    if threads is None or not 1 <= threads <= MAX_THREADS:
        raise ValueError(f"num_threads: expected an int from 1 to {MAX_THREADS}, "
                         f"got {requested!r}")
    return threads


def check_num_steps(num_steps) -> int:
    """``num_steps`` as a positive Python int, or a ValueError naming it."""
    steps = as_int(num_steps)
    if steps is None or steps < 1:
        raise ValueError(f"num_steps: expected a positive int, got {num_steps!r}")
    return steps
