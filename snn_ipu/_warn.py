"""Warnings attributed to the user's line, not to snn_ipu's internals.

A warning raised inside ops.lif can be reached from user code directly, from
``snn_ipu.nn.Leaky.forward_sequence`` or from a fused model's forward (through
torch's module-call machinery): a fixed ``stacklevel`` points at the right
frame for only one of those paths.
"""
from __future__ import annotations

import os
import sys
import warnings

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
# torch.nn.Module.__call__ and its helpers, between a model call and forward.
_MODULE_CALL_FILE = os.path.join("torch", "nn", "modules", "module.py")


def _internal(filename: str) -> bool:
    return filename.startswith(_PACKAGE_DIR) or filename.endswith(_MODULE_CALL_FILE)


def warn_at_caller(message: str, category: type) -> None:
    """``warnings.warn`` attributed to the innermost frame outside snn_ipu
    (and outside torch's nn.Module call machinery)."""
    level = 1
    frame = sys._getframe(0)
    while frame is not None and _internal(os.path.abspath(frame.f_code.co_filename)):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
