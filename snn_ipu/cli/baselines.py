"""The neuron implementations the benchmark compares snn_ipu with.

Each factory returns ``run(current) -> spk`` over a [T, ...] current for one
neuron model (``--model``), with the benchmark's layer (MODEL_ARGS: snnTorch's
defaults, reset by subtraction except Alpha's zero reset, the atan
surrogate), or ``None`` when its package is not installed. The workload is
that of a hidden layer in training: the spikes feed the next layer, the
states are only state, so no implementation keeps a record of them.
"""
from __future__ import annotations

import importlib.util
import math

import torch

from .. import ops

MODELS = ("leaky", "synaptic", "alpha", "lapicque", "rleaky", "rsynaptic")
# The recurrent models (one-to-one, all_to_all=False): their per-step call
# takes the spike back as a state.
RECURRENT = ("rleaky", "rsynaptic")
# The benchmark's layer of each model: its parameters (the snnTorch tutorials'
# values, alpha above beta as Alpha requires) and snnTorch's class name.
MODEL_ARGS = {
    "leaky": dict(beta=0.9),
    "synaptic": dict(alpha=0.9, beta=0.8),
    "alpha": dict(alpha=0.9, beta=0.8),
    "lapicque": dict(R=5.1, C=5e-3, time_step=1e-3),
    "rleaky": dict(beta=0.9, V=0.5),
    "rsynaptic": dict(alpha=0.9, beta=0.8, V=0.5),
}
SNNTORCH_CLASS = {"leaky": "Leaky", "synaptic": "Synaptic", "alpha": "Alpha",
                  "lapicque": "Lapicque", "rleaky": "RLeaky", "rsynaptic": "RSynaptic"}
BETA = MODEL_ARGS["leaky"]["beta"]


def fused(num_threads=None, model="leaky"):
    op, params = _op_and_params(model)
    record = {"record_mem": False} if model == "leaky" else {"record_state": False}

    def run(current):
        return op(current, *params, num_threads=num_threads, **record)[0]

    return run


def _recurrent_layer(cls, model, n, **extra):
    """A recurrent neuron of ``model`` with an all-to-all Linear recurrence of
    ``n`` features, its weights drawn from a fixed seed, so that every
    implementation runs the same layer."""
    args = {k: v for k, v in MODEL_ARGS[model].items() if k != "V"}
    with torch.random.fork_rng():
        torch.manual_seed(0)
        layer = cls(linear_features=n, **args, **extra)
    return layer


def fused_all_to_all(model):
    """snn_ipu.nn's neuron with the Linear recurrence: per step snnTorch's
    recurrent call, then a fused kernel step."""
    from .. import nn as snn_nn

    cls = {"rleaky": snn_nn.RLeaky, "rsynaptic": snn_nn.RSynaptic}[model]
    layers = {}

    def run(current):
        n = current.shape[-1]
        if n not in layers:
            layers[n] = _recurrent_layer(cls, model, n)
        layer = layers[n]
        zeros = [torch.zeros_like(current[0]) for _ in range(_states(model))]
        return layer.forward_sequence(current, *zeros)[0]

    return run


def snntorch_all_to_all(model):
    """snnTorch's neuron with the Linear recurrence in its Python time loop."""
    import snntorch as snn

    cls = getattr(snn, SNNTORCH_CLASS[model])
    layers = {}

    def run(current):
        n = current.shape[-1]
        if n not in layers:
            layers[n] = _recurrent_layer(cls, model, n)
            snn.SpikingNeuron.instances.clear()
        layer = layers[n]
        states = [torch.zeros_like(current[0]) for _ in range(_states(model))]
        spikes = []
        for x in current.unbind(0):
            states = layer(x, *states)
            spikes.append(states[0])
        return torch.stack(spikes)

    return run


def matmuls_alone(model):
    """The floor set by the recurrence's matrix products alone: T products
    F.linear(x_t, W, b) of the layer's shape forward, and their 2T
    backward (input and weight gradients)."""
    layers = {}

    def run(current):
        n = current.shape[-1]
        if n not in layers:
            with torch.random.fork_rng():
                torch.manual_seed(0)
                layers[n] = torch.nn.Linear(n, n)
        linear = layers[n]
        return torch.stack([linear(x) for x in current.unbind(0)])

    return run


class _TwoPasses(torch.autograd.Function):
    """The memory traffic of a layer's forward + backward and nothing else
    (see memory_passes_alone): each direction is one torch elementwise op
    into a buffer kept between calls, returned as a view of it."""

    @staticmethod
    def forward(ctx, current, buffers):
        ctx.save_for_backward(current)
        ctx.buffers = buffers
        torch.mul(current, 1.0, out=buffers[0])  # read the current, write spikes
        return buffers[0].view_as(current)

    @staticmethod
    def backward(ctx, grad_spikes):
        (current,) = ctx.saved_tensors
        grad = ctx.buffers[1]
        torch.add(current, grad_spikes, out=grad)  # read both, write a gradient
        return grad.view_as(current), None


def memory_passes_alone():
    """The floor set by the layer's minimal memory traffic alone, what the
    bench counts as 20 bytes per fp32 element: the forward reads the current
    and writes a tensor of its size, the backward reads the current and the
    spikes' gradient and writes the current's gradient, each as one torch
    elementwise op (on torch's threads) with no neuron arithmetic at all. The
    outputs go to buffers kept between calls, so that no allocation or page
    fault is timed: a lower bound for any layer that makes those two passes
    with ordinary stores. (Above the last-level cache snn_ipu writes its
    outputs with non-temporal stores, which skip the read of each line
    written, so there it can beat this floor.)

    For the bench alone: a call's spikes and the gradient it leaves in
    ``current.grad`` (a view of a kept buffer, which autograd takes without
    a copy) are overwritten by the next call, so ``current.grad`` must be
    None before each."""
    buffers = {}

    def run(current):
        if current.grad is not None:
            raise RuntimeError("memory_passes_alone: the current's gradient is a view of a "
                               "buffer the next backward overwrites; set current.grad = "
                               "None before each call")
        key = (tuple(current.shape), current.dtype)
        if key not in buffers:
            buffers.clear()  # one shape at a time: keep no more than two tensors
            buffers[key] = (torch.empty_like(current), torch.empty_like(current))
        return _TwoPasses.apply(current, buffers[key])

    return run


def _op_and_params(model):
    args = MODEL_ARGS[model]
    if model == "leaky":
        return ops.lif, (args["beta"],)
    if model == "lapicque":
        return ops.lapicque, (args["R"], args["C"], args["time_step"])
    if model == "rleaky":
        return ops.rleaky, (args["beta"], args["V"])
    if model == "rsynaptic":
        return ops.rsynaptic, (args["alpha"], args["beta"], args["V"])
    return getattr(ops, model), (args["alpha"], args["beta"])


def snntorch_loop(model="leaky"):
    """snnTorch 1.0.0's neuron in a Python time loop (the unbind form)."""
    import snntorch as snn

    recurrent = model in RECURRENT
    extra = {"all_to_all": False} if recurrent else {}
    layer = getattr(snn, SNNTORCH_CLASS[model])(**MODEL_ARGS[model], **extra)
    snn.SpikingNeuron.instances.clear()

    def run(current):
        states = [torch.zeros_like(current[0]) for _ in range(_states(model))]
        spikes = []
        for x in current.unbind(0):
            out = layer(x, *states)
            spikes.append(out[0])
            states = out if recurrent else out[1:]
        return torch.stack(spikes)

    return run


def snntorch_leaky():
    """snnTorch's Leaky loop (the default model's)."""
    return snntorch_loop("leaky")


def _states(model):
    return {"leaky": 1, "synaptic": 2, "alpha": 3, "lapicque": 1, "rleaky": 2,
            "rsynaptic": 3}[model]


class _ATanSpike(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 + (math.pi * x) ** 2)  # atan, alpha = 2


def _plain_leaky(current):
    beta = MODEL_ARGS["leaky"]["beta"]
    mem = torch.zeros_like(current[0])
    spikes = []
    for x in current.unbind(0):
        reset = (mem > 1.0).to(mem.dtype)
        mem = beta * mem + x - reset
        spikes.append(_ATanSpike.apply(mem - 1.0))
    return torch.stack(spikes)


def _plain_synaptic(current):
    alpha, beta = MODEL_ARGS["synaptic"]["alpha"], MODEL_ARGS["synaptic"]["beta"]
    syn = mem = torch.zeros_like(current[0])
    spikes = []
    for x in current.unbind(0):
        reset = (mem > 1.0).to(mem.dtype)
        syn = alpha * syn + x
        mem = beta * mem + syn - reset
        spikes.append(_ATanSpike.apply(mem - 1.0))
    return torch.stack(spikes)


def _plain_alpha(current):
    alpha, beta = MODEL_ARGS["alpha"]["alpha"], MODEL_ARGS["alpha"]["beta"]
    tau = math.log(alpha) / (math.log(beta) - math.log(alpha)) + 1
    exc = inh = mem = torch.zeros_like(current[0])
    spikes = []
    for x in current.unbind(0):
        keep = (mem <= 1.0).to(mem.dtype)  # zero reset
        exc = (alpha * exc + x) * keep
        inh = (beta * inh - x) * keep
        mem = tau * (exc + inh)
        spikes.append(_ATanSpike.apply(mem - 1.0))
    return torch.stack(spikes)


def _plain_lapicque(current):
    args = MODEL_ARGS["lapicque"]
    rc = args["R"] * args["C"]
    gain, keep_rate = args["time_step"] / args["C"], 1 - args["time_step"] / rc
    mem = torch.zeros_like(current[0])
    spikes = []
    for x in current.unbind(0):
        reset = (mem > 1.0).to(mem.dtype)
        mem = gain * x + keep_rate * mem - reset
        spikes.append(_ATanSpike.apply(mem - 1.0))
    return torch.stack(spikes)


def _plain_rleaky(current):
    beta, V = MODEL_ARGS["rleaky"]["beta"], MODEL_ARGS["rleaky"]["V"]
    mem = spk = torch.zeros_like(current[0])
    spikes = []
    for x in current.unbind(0):
        reset = (mem > 1.0).to(mem.dtype)
        mem = beta * mem + x + V * spk - reset
        spk = _ATanSpike.apply(mem - 1.0)
        spikes.append(spk)
    return torch.stack(spikes)


def _plain_rsynaptic(current):
    args = MODEL_ARGS["rsynaptic"]
    alpha, beta, V = args["alpha"], args["beta"], args["V"]
    syn = mem = spk = torch.zeros_like(current[0])
    spikes = []
    for x in current.unbind(0):
        reset = (mem > 1.0).to(mem.dtype)
        syn = alpha * syn + x + V * spk
        mem = beta * mem + syn - reset
        spk = _ATanSpike.apply(mem - 1.0)
        spikes.append(spk)
    return torch.stack(spikes)


_PLAIN = {"leaky": _plain_leaky, "rleaky": _plain_rleaky, "rsynaptic": _plain_rsynaptic, "synaptic": _plain_synaptic, "alpha": _plain_alpha,
          "lapicque": _plain_lapicque}


def plain_loop(model="leaky"):
    """The same neuron as a plain PyTorch loop of tensor ops."""
    return _PLAIN[model]


def compiled_loop(model="leaky"):
    """The plain loop under torch.compile (slow to compile: opt-in)."""
    return torch.compile(_PLAIN[model], dynamic=False)


def spikingjelly():
    """SpikingJelly's multi-step LIF node (torch backend), if installed: the
    Leaky model's only (SpikingJelly has no fused counterpart of the others)."""
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
