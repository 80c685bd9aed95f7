"""A neuron layer on the host kernels: the layer's tensors made into what the
kernels take, and the autograd front end chosen: the torch.autograd.Function
(autograd.py) for eager calls, the torch.library custom op (library.py) where
torch.compile traces."""
from __future__ import annotations

import torch

from .._compat import compiling
from . import library
from . import memory
from .autograd import NeuronFunction
from .config import KernelConfig, kernel_reset_delay
from .kernels import forward_bytes, neurons_of
from .linear import LifLinearFunction
from .recurrent import AllToAllFunction

# Which autograd front end eager calls take. torch.compile needs the custom
# op and always gets it; in eager mode the Function is the same kernels with
# less around them (benchmarks/RESULTS.md, "Tuning constants"). True sends
# eager calls through the custom op too (the tests use it).
EAGER_CUSTOM_OP = False


def run_kernels(model, x, states, params, reset_mode, reset_delay, spec, threads,
                record_states, num_steps, linear=None, recurrent=None):
    """Runs a layer of ``model`` (models.ModelSpec) through the kernels, for
    checked arguments: ``x`` [T or 1, ...] (1 with num_steps), ``states`` a
    tuple with a tensor broadcastable to one step (in the state dtype) or
    None per state, ``params`` a tuple with a number or a broadcastable
    tensor per parameter, ``spec`` the surrogate's kernel spec. Returns
    (spikes, the records as a tuple, or None without record_states, the final
    states as a tuple, in x's dtype). With ``linear=(weight, bias)`` (Leaky,
    float32): (the Linear's output over the spikes, the final membrane).
    With ``recurrent=(recurrence, weight, bias)`` (RLeaky and RSynaptic with
    V = 1, float32): the carried spike is that recurrence's product of the
    previous spikes (recurrences.py, recurrent.py), and the outputs are as
    without it."""
    rows = x.shape[0]  # T, or 1 for a static input
    step_shape = x.shape[1:]
    out_shape = (num_steps if num_steps is not None else rows, *step_shape)
    n = neurons_of(x)
    # Before the contiguous copy of a strided input below.
    memory.require(forward_bytes(x, out_shape[0], n, record_states, model.id),
                   lambda: f"the forward pass over input_ of shape {tuple(out_shape)} "
                           f"({x.dtype})")

    def per_neuron(t):
        # One value for all neurons stays one value (a number stays a
        # number); anything else is broadcast to the step and flattened
        # (autograd sums it back).
        if not isinstance(t, torch.Tensor):
            return t
        return t.reshape(1) if t.numel() == 1 else t.expand(step_shape).reshape(n).contiguous()

    is_compiling = compiling()

    def state_vector(s):
        # None: the kernels start from zeros.
        if s is None:
            return None
        s = s.expand(step_shape).reshape(n).contiguous()
        if not is_compiling and s.is_inference() and not torch.is_inference_mode_enabled():
            # Left by a call under torch.inference_mode (a validation pass,
            # then a layer continues from its state): the kernels' backward
            # saves it, which an inference tensor cannot be; snnTorch's loop
            # never needs to. (torch.compile cannot trace is_inference(): a
            # compiled call given one still fails, with torch's error.)
            s = s.clone()
        return s

    def clamp(name, p):
        # The kernels clamp these themselves; the clamp here gives a
        # parameter that needs a gradient the clamp's mask.
        if name in model.clamped and isinstance(p, torch.Tensor) and p.requires_grad:
            return p.clamp(0, 1)
        return p

    config = KernelConfig(reset_mode, kernel_reset_delay(reset_mode, reset_delay),
                          spec.kernel_id, spec.a, spec.b, threads, record_states, num_steps,
                          model.id)
    # The kernels take the current as it is shaped, [rows, ...], and give
    # their outputs shaped so: no reshapes of autograd's here.
    layer = (tuple(state_vector(s) for s in states)
             + tuple(per_neuron(clamp(name, p)) for name, p in zip(model.params, params)))
    current = x.contiguous()
    if linear is not None:
        weight, bias = linear
        out, mem_final = LifLinearFunction.apply(current, *layer, weight, bias, config)
        return out.reshape(*out_shape[:-1], weight.shape[0]), mem_final
    if recurrent is not None:
        recurrence, weight, bias = recurrent
        outputs = AllToAllFunction.apply(config, recurrence, current, weight, bias, *layer)
    else:
        use_custom_op = library.AVAILABLE and (EAGER_CUSTOM_OP or is_compiling)
        apply = library.apply if use_custom_op else NeuronFunction.apply
        outputs = apply(config, current, *layer)
    spikes = outputs[0]
    records = tuple(outputs[1:1 + model.recorded]) if record_states else None
    # The final states are in the state dtype: float32 for float16 layers.
    finals = tuple(f if f.dtype == x.dtype else f.to(x.dtype)
                   for f in outputs[1 + model.recorded:])
    return spikes, records, finals
