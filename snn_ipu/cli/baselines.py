"""The LIF implementations the benchmark compares snn_ipu with.

Each factory returns ``run(current) -> spk`` over a [T, ...] current with beta
0.9, threshold 1, reset by subtraction and the atan surrogate (snnTorch
defaults), or ``None`` when its package is not installed. The workload is that
of a hidden layer in training: the spikes feed the next layer, the membrane is
only state, so no implementation keeps a membrane record.
"""
from __future__ import annotations

import importlib.util
import math

import torch

from .. import ops

BETA = 0.9


def fused(num_threads=None):
    def run(current):
        spk, _ = ops.lif(current, BETA, record_mem=False, num_threads=num_threads)
        return spk

    return run


def snntorch_leaky():
    """snnTorch 1.0.0's snn.Leaky in a Python time loop (the unbind form)."""
    import snntorch as snn

    lif = snn.Leaky(beta=BETA)
    snn.SpikingNeuron.instances.clear()

    def run(current):
        mem = torch.zeros_like(current[0])
        spikes = []
        for x in current.unbind(0):
            spk, mem = lif(x, mem)
            spikes.append(spk)
        return torch.stack(spikes)

    return run


class _ATanSpike(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 + (math.pi * x) ** 2)  # atan, alpha = 2


def _plain_loop(current):
    mem = torch.zeros_like(current[0])
    spikes = []
    for x in current.unbind(0):
        reset = (mem > 1.0).to(mem.dtype)
        mem = BETA * mem + x - reset
        spikes.append(_ATanSpike.apply(mem - 1.0))
    return torch.stack(spikes)


def plain_loop():
    """The same neuron as a plain PyTorch loop of tensor ops."""
    return _plain_loop


def compiled_loop():
    """The plain loop under torch.compile (slow to compile: opt-in)."""
    return torch.compile(_plain_loop, dynamic=False)


def spikingjelly():
    """SpikingJelly's multi-step LIF node (torch backend), if installed."""
    if importlib.util.find_spec("spikingjelly") is None:
        return None
    from spikingjelly.activation_based import neuron, surrogate

    # Soft reset with a detached reset signal, decay 1 - 1/tau = beta on the
    # membrane only: the same neuron (SpikingJelly resets in the step that
    # fires, snnTorch's reset_delay=False; the cost is the same).
    node = neuron.LIFNode(tau=1.0 / (1.0 - BETA), decay_input=False, v_threshold=1.0,
                          v_reset=None, surrogate_function=surrogate.ATan(),
                          detach_reset=True, step_mode="m")

    def run(current):
        node.reset()
        return node(current)

    return run
