"""What differs between the torch versions snn_ipu runs on (PopTorch's 2.0 up
to current releases), looked up once."""
from __future__ import annotations

import torch

# torch >= 2.1; asked on every kernel call.
_is_compiling = getattr(getattr(torch, "compiler", None), "is_compiling", None)
_assume_constant_result = getattr(getattr(torch, "compiler", None),
                                  "assume_constant_result", None)


def compiling() -> bool:
    """True while torch.compile traces: code that reads values, /proc or the
    Python stack must not run then (it would break the graph)."""
    return _is_compiling is not None and bool(_is_compiling())


def assume_constant_result(fn):
    """``fn`` run for real while torch.compile traces, its result taken as a
    constant of the graph: for answers that depend only on Python objects
    (which surrogate a closure is) and for side effects of tracing (a
    warning). Unchanged where torch lacks it."""
    return _assume_constant_result(fn) if _assume_constant_result is not None else fn


def autocast_cpu() -> bool:
    """Whether torch.autocast is on for CPU ops here."""
    try:
        return torch.is_autocast_enabled("cpu")
    except TypeError:  # torch < 2.4 takes no device type
        return torch.is_autocast_cpu_enabled()
