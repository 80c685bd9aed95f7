"""The IPU backend's Python side: ``snn_ipu.ops.lif`` under PopTorch.

While PopTorch traces a model for the IPU (``poptorch.isRunningOnIpu()``),
``ops.lif`` calls :func:`lif` here instead of the host kernels: it loads
``libsnn_ipu_popart.so`` (the PopART custom op, built only with the Poplar SDK)
once with ctypes, and emits one ``poptorch.custom_op`` for the whole time loop.
PopART takes the backward pass from the op's grad op.

The op's identity, attributes and input order are those of
``csrc/ops/ipu/LifOpIds.hpp``; tests/test_ipu_op_contract.py checks they agree.
"""
from __future__ import annotations

import ctypes
import math
import sys
from pathlib import Path
from typing import Optional, Tuple

import torch

from ._kernels import kernel_reset_delay

__all__ = ["is_tracing", "lif", "load_library", "build_status", "LIBRARY_NAME", "CODELETS_NAME"]

DOMAIN = "snn_ipu"
VERSION = 1
OP_NAME = "Lif"
ATTRIBUTES = ("num_steps", "reset_mode", "reset_delay", "surrogate", "surrogate_a",
              "surrogate_b")
INPUTS = ("current", "mem_init", "decay", "threshold", "graded")
OUTPUTS = ("spikes", "mem", "mem_final")

LIBRARY_NAME = "libsnn_ipu_popart.so"
CODELETS_NAME = "snn_ipu_codelets.gp"
# How the build finds the SDK (CMakeLists.txt): popc on PATH and the poplar
# and popart CMake packages, both of which the SDK's enable script provides.
SDK_HINT = "source <sdk>/enable, which puts popc and the Poplar and PopART packages in reach"

_library = None


def library_path() -> Path:
    return Path(__file__).resolve().with_name(LIBRARY_NAME)


def build_status() -> Tuple[bool, Optional[str]]:
    """Whether the IPU backend is built, and if not, why."""
    missing = [name for name in (LIBRARY_NAME, CODELETS_NAME)
               if not library_path().with_name(name).exists()]
    if not missing:
        return True, None
    return False, (f"{' and '.join(missing)} not built: the Poplar SDK was not found when "
                   f"snn_ipu was installed ({SDK_HINT}, then `pip install .` again)")


def load_library():
    """Loads the PopART custom op once, which registers it with PopART."""
    global _library
    if _library is None:
        path = library_path()
        if not path.exists():
            raise RuntimeError(
                f"snn_ipu: the IPU backend is not built: {path} is missing: "
                f"{SDK_HINT}, and reinstall snn_ipu with "
                f"`pip install .`; the build's 'snn_ipu: IPU backend' line says why it "
                f"was skipped.")
        try:
            _library = ctypes.cdll.LoadLibrary(str(path))
        except OSError as exc:
            raise RuntimeError(
                f"snn_ipu: could not load {path}: {exc}. The Poplar SDK's libraries must be "
                f"on the library path: source <sdk>/enable.") from exc
    return _library


def is_tracing() -> bool:
    """True while PopTorch traces a model for the IPU. PopTorch is only looked
    up among the imported modules: a model that runs on the IPU has imported it."""
    poptorch = sys.modules.get("poptorch")
    if poptorch is None:
        return False
    try:
        return bool(poptorch.isRunningOnIpu())
    except Exception:  # noqa: BLE001 - an unusable PopTorch is not tracing
        return False


def attributes(num_steps: int, reset_mode: int, reset_delay: bool, spec) -> dict:
    return {"num_steps": int(num_steps), "reset_mode": int(reset_mode),
            "reset_delay": int(kernel_reset_delay(reset_mode, reset_delay)), "surrogate": int(spec.kernel_id),
            "surrogate_a": float(spec.a), "surrogate_b": float(spec.b)}


def lif(x: torch.Tensor, beta, threshold, graded, mem, reset_mode: int, reset_delay: bool,
        spec, record_mem: bool, num_steps: Optional[int]):
    """``ops.lif`` as one PopART custom op (arguments already validated by
    ``ops.lif``; ``x`` is ``[T, ...]``, or ``[1, ...]`` with ``num_steps``)."""
    if x.dtype not in (torch.float16, torch.float32):
        raise TypeError(f"input_: the IPU computes float16 and float32, got {x.dtype}")
    load_library()
    poptorch = sys.modules["poptorch"]
    rows, step_shape = x.shape[0], x.shape[1:]
    steps = num_steps if num_steps is not None else rows
    n = math.prod(step_shape)
    state = torch.float32

    def per_neuron(t):
        # One value for all neurons stays one value (the op reduces its
        # gradient); anything else is broadcast to the step and flattened.
        t = t.to(state)
        return t.reshape(1) if t.numel() == 1 else t.expand(step_shape).reshape(n)

    if mem is None:
        mem_init = torch.zeros(n, dtype=state, device=x.device)
    else:
        mem_init = mem.to(state).expand(step_shape).reshape(n)
    inputs = [x.reshape(rows, n), mem_init, per_neuron(beta.clamp(0, 1)),
              per_neuron(threshold), per_neuron(graded)]
    examples = [torch.zeros((steps, n), dtype=x.dtype, device=x.device),
                torch.zeros((steps, n), dtype=x.dtype, device=x.device),
                torch.zeros(n, dtype=state, device=x.device)]
    spk, mem_rec, mem_final = poptorch.custom_op(
        inputs, OP_NAME, DOMAIN, VERSION, example_outputs=examples,
        attributes=attributes(steps, reset_mode, reset_delay, spec))
    out_shape = (steps, *step_shape)
    if record_mem:
        return spk.reshape(out_shape), mem_rec.reshape(out_shape)
    return spk.reshape(out_shape), mem_final.to(x.dtype).reshape(step_shape)
