"""Running an ``snntorch.Leaky`` layer over a whole sequence with the fused kernel.

Shared by ``snn_ipu.nn.Leaky.forward_sequence`` and ``snn_ipu.fuse``. The layer
may be snnTorch's own ``Leaky``: its parameters, options and hidden state are
read from it, and its hidden state is updated as its step-by-step loop would
leave it.
"""
from __future__ import annotations

from typing import Optional

import snntorch as snn
import torch

from .. import ops
from .._warn import warn_at_caller
from ..ops import ReferencePathWarning


def uncovered_reason(layer: snn.Leaky) -> Optional[str]:
    """Why the kernels cannot run this layer, or None."""
    if layer.inhibition:
        return "inhibition=True (winner-take-all across the batch)"
    if layer.state_quant:
        return "state_quant quantises the membrane every step"
    return None


def initial_membrane(layer: snn.Leaky, step_shape) -> Optional[torch.Tensor]:
    """snnTorch continues from layer.mem when its shape is one step's, and
    starts from zeros otherwise (its 'mem of another shape becomes zeros')."""
    mem = layer.mem
    if isinstance(mem, torch.Tensor) and tuple(mem.shape) == tuple(step_shape):
        return mem
    return None


def run_leaky_sequence(layer: snn.Leaky, input_: torch.Tensor, mem: Optional[torch.Tensor] = None,
                       *, num_steps: Optional[int] = None, record_mem: bool = True):
    """Run ``layer`` over ``input_`` ([T, ...], or one step's [...] with
    ``num_steps``), as T calls of its forward would.

    ``mem`` is an explicit initial membrane (like ``layer(x, mem)``); without
    it the layer continues from its hidden state. Returns ``(spk [T, ...],
    mem_rec [T, ...])``, or ``(spk, mem_last)`` with ``record_mem=False``.
    Leaves ``layer.mem`` at the last membrane, attached to the graph.
    """
    step_shape = input_.shape if num_steps is not None else input_.shape[1:]
    if mem is not None:
        layer.mem = mem
    reason = uncovered_reason(layer)
    if reason is not None:
        warn_at_caller(f"snn_ipu: Leaky with {reason} runs snnTorch's own step loop",
                       ReferencePathWarning)
        return _step_loop(layer, input_, num_steps, record_mem)

    spk, second = ops.lif(
        input_, layer.beta, layer.threshold, initial_membrane(layer, step_shape),
        spike_grad=layer.spike_grad, reset_mechanism=layer.reset_mechanism,
        reset_delay=layer.reset_delay, graded_spikes_factor=layer.graded_spikes_factor,
        record_mem=record_mem, num_steps=num_steps)
    # The last step of the record is a view of it: the hidden state gets a
    # tensor of its own, as in snnTorch's loop (whose record is a stack of
    # copies), so that detach_hidden() can detach it in place and an
    # in-place edit of the returned record does not change it.
    layer.mem = second[-1].clone() if record_mem else second
    return spk, second


def run_leaky_then_linear(layer: snn.Leaky, linear: torch.nn.Linear, input_: torch.Tensor,
                          *, num_steps: Optional[int] = None) -> Optional[torch.Tensor]:
    """``linear`` applied to the spikes of ``layer`` over ``input_``, in one
    node whose backward never forms the spikes' [T, ...] gradient
    (ops.lif_linear). Returns the Linear's output [T, ..., K], leaving
    ``layer.mem`` at the last membrane, or None where that path does not
    apply (the caller then runs the layers one after the other)."""
    if uncovered_reason(layer) is not None:
        return None
    step_shape = input_.shape if num_steps is not None else input_.shape[1:]
    result = ops.lif_linear(
        input_, layer.beta, layer.threshold, initial_membrane(layer, step_shape),
        linear.weight, linear.bias, spike_grad=layer.spike_grad,
        reset_mechanism=layer.reset_mechanism, reset_delay=layer.reset_delay,
        graded_spikes_factor=layer.graded_spikes_factor, num_steps=num_steps)
    if result is None:
        return None
    out, layer.mem = result
    return out


def _step_loop(layer, input_, num_steps, record_mem):
    steps = input_.unbind(0) if num_steps is None else [input_] * num_steps
    spikes, mems = [], []
    for x in steps:
        if not isinstance(layer.mem, torch.Tensor) or layer.mem.shape != x.shape:
            layer.mem = torch.zeros_like(x)
        out = snn.Leaky.forward(layer, x)
        spikes.append(out[0] if isinstance(out, tuple) else out)
        mems.append(layer.mem)
    spk = torch.stack(spikes)
    return (spk, torch.stack(mems)) if record_mem else (spk, mems[-1])
