"""The exact PyTorch reference of the neuron ops: the steps of snnTorch
1.0.0's Leaky, Synaptic, Alpha, Lapicque, RLeaky and RSynaptic (one-to-one
recurrence), written out with the same
operations in the same order (shared/NEURONS.md).

It is the path for what the kernels do not cover (custom or stochastic
surrogates, arbitrary callables, tensors off the CPU, empty layers): slower
than the kernels, never different from snnTorch.
"""
from __future__ import annotations

import torch

from . import memory
from .config import param_tensors


def run(model, x, states, params, reset_mechanism, reset_delay, spike_grad, num_steps):
    """A layer of ``model`` (models.ModelSpec) on the reference path, for
    its checked arguments (``x`` is ``[T, ...]``, or ``[1, ...]`` with
    ``num_steps``; states None or tensors, parameters numbers or tensors).
    Returns (spikes, the records as a tuple, the final states as a tuple), as
    front_end.run_kernels does with record_states."""
    spike_fn = spike_grad if spike_grad is not None else atan_spike()
    step_shape = x.shape[1:]
    if num_steps is not None:
        x = x.expand(num_steps, *step_shape)
    if x.device.type == "cpu":
        # The reference loop stacks the spikes and each state: [T, ...] each.
        memory.require((1 + len(model.states)) * x.numel() * x.element_size(),
                       f"the reference path over input_ of shape {tuple(x.shape)} ({x.dtype})")
    steps = x.shape[0]
    if x.numel() == 0 and steps > 1:
        # No neurons: every step is empty. Run one and expand it, rather than
        # a Python loop over T empty steps (minutes for T = 10^7).
        x = x[:1]
    # snnTorch's spike functions return float32; run half in float32 and
    # round the outputs, as the kernels carry the state in float32.
    work = x.float() if x.dtype == torch.float16 else x
    dtype = work.dtype
    params = tuple(p.to(dtype) for p in param_tensors(params, x))
    states = tuple(torch.zeros(step_shape, dtype=dtype, device=x.device) if s is None
                   else s.to(dtype) for s in states)
    step = _STEPS[model.name]
    spikes, records = [], [[] for _ in model.states]
    for current in work.unbind(0):
        spk, states = step(current, states, params, spike_fn, reset_mechanism, reset_delay)
        spikes.append(spk)
        for record, value in zip(records, states):
            record.append(value)
    out = [torch.stack(spikes)] + [torch.stack(r) for r in records]
    if out[0].shape[0] != steps:
        out = [o.expand(steps, *o.shape[1:]).contiguous() for o in out]
    out = [o.to(x.dtype) for o in out]
    spikes, stacked = out[0], out[1:]
    return spikes, tuple(stacked[:model.recorded]), tuple(s[-1] for s in stacked)


def atan_spike():
    """snnTorch's default spike function (atan surrogate, alpha 2)."""
    from snntorch import surrogate

    return surrogate.atan()


def _reset(mem, threshold, spike_fn):
    """snnTorch's mem_reset: the reset signal of the previous membrane, detached."""
    return spike_fn(mem - threshold).clone().detach()


def _reset_now(mem, do_reset, threshold, reset_mechanism):
    """reset_delay=False: snnTorch's second, immediate reset of the membrane
    by the spike it just emitted (do_reset: that spike less the delayed
    reset already applied)."""
    if reset_mechanism == "subtract":
        return mem - do_reset * threshold
    if reset_mechanism == "zero":
        return mem - do_reset * mem
    return mem


def _leaky_step(x, states, params, spike_fn, reset_mechanism, reset_delay):
    (mem,), (beta, threshold, graded) = states, params
    reset = _reset(mem, threshold, spike_fn)
    decay = beta.clamp(0, 1)
    if reset_mechanism == "subtract":
        mem = decay * mem + x - reset * threshold
    elif reset_mechanism == "zero":
        mem = (1 - reset) * mem
        mem = decay * mem + x
    else:
        mem = decay * mem + x
    spk = spike_fn(mem - threshold) * graded
    if not reset_delay:
        mem = _reset_now(mem, spk / graded - reset, threshold, reset_mechanism)
    return spk, (mem,)


def _synaptic_step(x, states, params, spike_fn, reset_mechanism, reset_delay):
    (syn, mem), (alpha, beta, threshold) = states, params
    reset = _reset(mem, threshold, spike_fn)
    syn = alpha.clamp(0, 1) * syn + x
    new = beta.clamp(0, 1) * mem + syn
    if reset_mechanism == "subtract":
        new = new - reset * threshold
    elif reset_mechanism == "zero":
        # snnTorch subtracts the recomputed integration, the same value.
        new = new - (beta.clamp(0, 1) * mem + syn) * reset
    spk = spike_fn(new - threshold)
    if not reset_delay:
        new = _reset_now(new, spk - reset, threshold, reset_mechanism)
    return spk, (syn, new)


def _alpha_step(x, states, params, spike_fn, reset_mechanism, reset_delay):
    (exc, inh, mem), (alpha, beta, tau, threshold) = states, params
    reset = _reset(mem, threshold, spike_fn)
    a, b = alpha.clamp(0, 1), beta.clamp(0, 1)
    new_exc = a * exc + x
    new_inh = b * inh - x
    new_mem = tau * (new_exc + new_inh)
    if reset_mechanism == "subtract":
        new_exc = new_exc - threshold * reset
        new_inh = new_inh - (b * inh - x) * reset
        new_mem = new_mem - (-inh) * reset
    elif reset_mechanism == "zero":
        # snnTorch subtracts the recomputed states, the same values.
        exc2, inh2 = a * exc + x, b * inh - x
        new_exc = new_exc - exc2 * reset
        new_inh = new_inh - inh2 * reset
        new_mem = new_mem - (tau * (exc2 + inh2)) * reset
    return spike_fn(new_mem - threshold), (new_exc, new_inh, new_mem)


def _lapicque_step(x, states, params, spike_fn, reset_mechanism, reset_delay):
    (mem,), (resistance, inverse_tau, time_step, keep, threshold) = states, params
    reset = _reset(mem, threshold, spike_fn)
    base = x * resistance * inverse_tau * time_step + keep * mem
    if reset_mechanism == "subtract":
        base = base - reset * threshold
    elif reset_mechanism == "zero":
        base = base - reset * (x * resistance * inverse_tau * time_step + keep * mem)
    return spike_fn(base - threshold), (base,)


def _rleaky_step(x, states, params, spike_fn, reset_mechanism, reset_delay):
    (mem, spk), (beta, V, threshold) = states, params
    reset = _reset(mem, threshold, spike_fn)
    base = beta.clamp(0, 1) * mem + x + spk * V
    if reset_mechanism == "subtract":
        new = base - reset * threshold
    elif reset_mechanism == "zero":
        # snnTorch subtracts the recomputed base, the same value.
        new = base - reset * (beta.clamp(0, 1) * mem + x + spk * V)
    else:
        new = base
    spk = spike_fn(new - threshold)
    if not reset_delay:
        new = _reset_now(new, spk - reset, threshold, reset_mechanism)
    return spk, (new, spk)


def _rsynaptic_step(x, states, params, spike_fn, reset_mechanism, reset_delay):
    # reset_delay=False does nothing in snnTorch 1.0.0's RSynaptic.
    (syn, mem, spk), (alpha, beta, V, threshold) = states, params
    reset = _reset(mem, threshold, spike_fn)
    syn = alpha.clamp(0, 1) * syn + x + spk * V
    new = beta.clamp(0, 1) * mem + syn
    if reset_mechanism == "subtract":
        new = new - reset * threshold
    elif reset_mechanism == "zero":
        new = new - (beta.clamp(0, 1) * mem + syn) * reset
    spk = spike_fn(new - threshold)
    return spk, (syn, new, spk)


_STEPS = {"leaky": _leaky_step, "synaptic": _synaptic_step, "alpha": _alpha_step,
          "lapicque": _lapicque_step, "rleaky": _rleaky_step, "rsynaptic": _rsynaptic_step}
