"""``ops.lif`` under PopTorch: while PopTorch traces a model for the IPU,
the whole time loop becomes one ``poptorch.custom_op`` of the PopART op in
``libsnn_ipu_popart.so`` (snn_ipu/_backends/ipu.py loads it); PopART takes
the backward pass from the op's grad op.

The op's identity, attributes and input order are those of
``csrc/ops/ipu/LifOpIds.hpp``; tests/ipu/test_op_contract.py checks they agree.
"""
from __future__ import annotations

import math
import sys
from typing import Optional

import torch

from .._backends import ipu
from .config import kernel_reset_delay

__all__ = ["lif", "attributes"]

DOMAIN = "snn_ipu"
VERSION = 1
OP_NAME = "Lif"
ATTRIBUTES = ("num_steps", "reset_mode", "reset_delay", "surrogate", "surrogate_a",
              "surrogate_b")
INPUTS = ("current", "mem_init", "decay", "threshold", "graded")
OUTPUTS = ("spikes", "mem", "mem_final")


def attributes(num_steps: int, reset_mode: int, reset_delay: bool, spec) -> dict:
    return {"num_steps": int(num_steps), "reset_mode": int(reset_mode),
            "reset_delay": int(kernel_reset_delay(reset_mode, reset_delay)),
            "surrogate": int(spec.kernel_id), "surrogate_a": float(spec.a), "surrogate_b": float(spec.b)}


def lif(x: torch.Tensor, beta, threshold, graded, mem, reset_mode: int, reset_delay: bool,
        spec, record_mem: bool, num_steps: Optional[int]):
    """``ops.lif`` as one PopART custom op (arguments already validated by
    ``ops.lif``; ``x`` is ``[T, ...]``, or ``[1, ...]`` with ``num_steps``)."""
    if x.dtype not in (torch.float16, torch.float32):
        raise TypeError(f"input_: the IPU computes float16 and float32, got {x.dtype}")
    ipu.load_library()
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
