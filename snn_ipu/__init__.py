"""snn_ipu: fused leaky integrate-and-fire kernels for snnTorch models.

The LIF recursion over all time steps (forward) and its surrogate-gradient
backpropagation through time (backward) run as hand-written Poplar vertices:
on the IPU through a PopART custom op, and on the CPU through the same codelet
sources compiled against a shim of the Poplar vertex API.
"""
from . import nn, ops, runtime, surrogates
from ._backends import build_info
from .fuse import FusedSequential, fuse
from .ops import ReferencePathWarning, lif
from .runtime import debug_mode, set_debug

__version__ = "0.1.0"

__all__ = ["ops", "nn", "lif", "fuse", "FusedSequential", "runtime", "surrogates",
           "build_info", "debug_mode", "set_debug", "ReferencePathWarning", "__version__"]
