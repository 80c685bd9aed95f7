"""The neuron ops under PopTorch: while PopTorch traces a model for the IPU,
the whole time loop of a layer becomes one ``poptorch.custom_op`` of the
PopART op in ``libsnn_ipu_popart.so`` (snn_ipu/_backends/ipu.py loads it);
PopART takes the backward pass from the op's grad op.

The op's identity, attributes and input and output order are those of
``csrc/ops/ipu/NeuronOpIds.hpp``; tests/ipu/test_op_contract.py checks they
agree. Inputs: the current, then the model's initial states and parameters in
its order (models.py); outputs: the spikes, the recorded states' records
(with record_states), then the final states.
"""
from __future__ import annotations

import math
import sys
from typing import Optional

import torch

from .._backends import ipu
from .config import kernel_reset_delay

__all__ = ["run", "attributes"]

DOMAIN = "snn_ipu"
VERSION = 1
OP_NAME = "Neuron"
ATTRIBUTES = ("model", "num_steps", "record_states", "reset_mode", "reset_delay",
              "surrogate", "surrogate_a", "surrogate_b")


def attributes(model, num_steps: int, record_states: bool, reset_mode: int,
               reset_delay: bool, spec) -> dict:
    return {"model": int(model.id), "num_steps": int(num_steps),
            "record_states": int(record_states), "reset_mode": int(reset_mode),
            "reset_delay": int(kernel_reset_delay(reset_mode, reset_delay)),
            "surrogate": int(spec.kernel_id), "surrogate_a": float(spec.a),
            "surrogate_b": float(spec.b)}


def run(model, x: torch.Tensor, states, params, reset_mode: int, reset_delay: bool, spec,
        record_states: bool, num_steps: Optional[int]):
    """A layer of ``model`` as one PopART custom op (arguments already checked;
    ``x`` is ``[T, ...]``, or ``[1, ...]`` with ``num_steps``; parameters as
    tensors). Returns (spikes, the records as a tuple or None, the final
    states as a tuple), as front_end.run_kernels does."""
    if x.dtype not in (torch.float16, torch.float32):
        raise TypeError(f"input_: the IPU computes float16 and float32, got {x.dtype}")
    ipu.load_library()
    poptorch = sys.modules["poptorch"]
    rows, step_shape = x.shape[0], x.shape[1:]
    steps = num_steps if num_steps is not None else rows
    n = math.prod(step_shape)
    state = torch.float32

    def per_neuron(name, t):
        # One value for all neurons stays one value (the op reduces its
        # gradient); anything else is broadcast to the step and flattened.
        # The clamp gives a clamped parameter the clamp's gradient mask.
        t = t.to(state)
        if name in model.clamped:
            t = t.clamp(0, 1)
        return t.reshape(1) if t.numel() == 1 else t.expand(step_shape).reshape(n)

    def state_vector(s):
        if s is None:
            return torch.zeros(n, dtype=state, device=x.device)
        return s.to(state).expand(step_shape).reshape(n)

    inputs = ([x.reshape(rows, n)] + [state_vector(s) for s in states]
              + [per_neuron(name, p) for name, p in zip(model.params, params)])
    rows_out = 1 + (model.recorded if record_states else 0)
    examples = ([torch.zeros((steps, n), dtype=x.dtype, device=x.device)] * rows_out
                + [torch.zeros(n, dtype=state, device=x.device)] * len(model.states))
    outputs = poptorch.custom_op(
        inputs, OP_NAME, DOMAIN, VERSION, example_outputs=examples,
        attributes=attributes(model, steps, record_states, reset_mode, reset_delay, spec))
    out_shape = (steps, *step_shape)
    spikes = outputs[0].reshape(out_shape)
    records = (tuple(r.reshape(out_shape) for r in outputs[1:rows_out])
               if record_states else None)
    finals = tuple(f.to(x.dtype).reshape(step_shape) for f in outputs[rows_out:])
    return spikes, records, finals
