"""Warnings attributed to the user's line, not to snn_ipu's internals.

A warning raised inside ops.lif can be reached from user code directly, from
``snn_ipu.nn.Leaky.forward_sequence`` or from a fused model's forward (through
torch's module-call machinery), eagerly or while torch.compile traces: a fixed
``stacklevel`` points at the right frame for only one of those paths.
"""
from __future__ import annotations

import os
import sys
import warnings

import torch

from ._compat import assume_constant_result, compiling

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
# torch's module-call machinery (between a model call and forward) and, while
# torch.compile traces, its compiler's frames.
_TORCH_DIR = os.path.dirname(os.path.abspath(torch.__file__)) + os.sep


def _internal(filename: str) -> bool:
    return filename.startswith(_PACKAGE_DIR) or filename.startswith(_TORCH_DIR)


def _warn_at_caller(message: str, category: type) -> bool:
    level = 1
    frame = sys._getframe(0)
    while frame is not None and _internal(os.path.abspath(frame.f_code.co_filename)):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
    return True


# While torch.compile traces, the stack walk and warnings.warn would break the
# graph: run them once, for real, when the call is traced (the warning then
# names the line that called the compiled model), and not when the compiled
# graph runs.
_warn_while_tracing = assume_constant_result(_warn_at_caller)


def warn_at_caller(message: str, category: type) -> None:
    """``warnings.warn`` attributed to the innermost frame outside snn_ipu
    and torch."""
    if compiling():
        _warn_while_tracing(message, category)
    else:
        _warn_at_caller(message, category)
