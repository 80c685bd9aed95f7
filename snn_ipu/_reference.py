"""The exact PyTorch reference of the LIF op: snnTorch 1.0.0's ``snn.Leaky``
step, written out with the same operations in the same order.

It is the path for what the kernels do not cover (custom or stochastic
surrogates, arbitrary callables, tensors off the CPU, empty layers): slower
than the kernels, never different from snnTorch.
"""
from __future__ import annotations

import torch


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
