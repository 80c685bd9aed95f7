"""The exact PyTorch reference of the LIF op: snnTorch 1.0.0's ``snn.Leaky``
step, written out with the same operations in the same order.

It is the path for what the kernels do not cover (custom or stochastic
surrogates, arbitrary callables, tensors off the CPU, empty layers): slower
than the kernels, never different from snnTorch.
"""
from __future__ import annotations

import torch

from . import memory
from .config import param_tensors


def run(x, beta, threshold, graded, mem, reset_mechanism, reset_delay, spike_grad,
        record_mem, num_steps):
    """ops.lif on the reference path, for its checked arguments (``x`` is
    ``[T, ...]``, or ``[1, ...]`` with ``num_steps``); returns what ops.lif
    returns."""
    spike_fn = spike_grad if spike_grad is not None else atan_spike()
    step_shape = x.shape[1:]
    if num_steps is not None:
        x = x.expand(num_steps, *step_shape)
    if x.device.type == "cpu":
        # The reference loop stacks spikes and membranes: two [T, ...] tensors.
        memory.require(2 * x.numel() * x.element_size(),
                       f"the reference path over input_ of shape {tuple(x.shape)} ({x.dtype})")
    steps = x.shape[0]
    if x.numel() == 0 and steps > 1:
        # No neurons: every step is empty. Run one and expand it, rather than
        # a Python loop over T empty steps (minutes for T = 10^7).
        x = x[:1]
    spk, mem_rec = _in_state_dtype(x, *param_tensors((beta, threshold, graded), x), mem,
                                   reset_mechanism, reset_delay, spike_fn)
    if spk.shape[0] != steps:
        spk = spk.expand(steps, *spk.shape[1:]).contiguous()
        mem_rec = mem_rec.expand(steps, *mem_rec.shape[1:]).contiguous()
    return (spk, mem_rec) if record_mem else (spk, mem_rec[-1])


def atan_spike():
    """snnTorch's default spike function (atan surrogate, alpha 2)."""
    from snntorch import surrogate

    return surrogate.atan()


def lif_reference(input_, beta, threshold, mem, spike_fn, reset_mechanism,
                  reset_delay, graded_spikes_factor):
    """Run ``snn.Leaky``'s step over ``input_`` ([T, ...]).

    ``beta``, ``threshold``, ``graded_spikes_factor`` and ``mem`` are tensors
    broadcastable to one step; ``spike_fn(x)`` returns the spike H(x) with its
    surrogate gradient (an snnTorch surrogate). Returns ``(spk, mem)`` stacked
    over time.
    """
    decay = beta.clamp(0, 1)
    spikes, mems = [], []
    for current in input_.unbind(0):
        reset = spike_fn(mem - threshold).clone().detach()
        if reset_mechanism == "subtract":
            mem = decay * mem + current - reset * threshold
        elif reset_mechanism == "zero":
            mem = (1 - reset) * mem
            mem = decay * mem + current
        else:
            mem = decay * mem + current
        spk = spike_fn(mem - threshold) * graded_spikes_factor
        if not reset_delay:
            do_reset = spk / graded_spikes_factor - reset
            if reset_mechanism == "subtract":
                mem = mem - do_reset * threshold
            elif reset_mechanism == "zero":
                mem = mem - do_reset * mem
        spikes.append(spk)
        mems.append(mem)
    return torch.stack(spikes), torch.stack(mems)


def _in_state_dtype(x, beta, threshold, graded, mem, reset_mechanism, reset_delay, spike_fn):
    # snnTorch's spike functions return float32; run half in float32 and round
    # the outputs, as the kernels carry the state in float32.
    work = x.float() if x.dtype == torch.float16 else x
    dtype = work.dtype if work.dtype.is_floating_point else torch.float32
    work = work.to(dtype)
    if mem is None:
        mem = torch.zeros(x.shape[1:], dtype=dtype, device=x.device)
    spk, mem_rec = lif_reference(work, beta.to(dtype), threshold.to(dtype), mem.to(dtype),
                                 spike_fn, reset_mechanism, reset_delay, graded.to(dtype))
    return spk.to(x.dtype), mem_rec.to(x.dtype)
