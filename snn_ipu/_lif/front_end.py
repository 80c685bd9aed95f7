"""ops.lif on the host kernels: the layer's tensors made into what the
kernels take, and the autograd front end chosen: the torch.autograd.Function
(autograd.py) for eager calls, the torch.library custom op (library.py) where
torch.compile traces."""
from __future__ import annotations

import torch

from .._compat import compiling
from . import library
from . import memory
from .autograd import LifFunction
from .config import KernelConfig, kernel_reset_delay
from .kernels import forward_bytes, neurons_of
from .linear import LifLinearFunction

# Which autograd front end eager calls take. torch.compile needs the custom
# op and always gets it; in eager mode the Function is the same kernels with
# less around them (benchmarks/RESULTS.md, "Tuning constants"). True sends
# eager calls through the custom op too (the tests use it).
EAGER_CUSTOM_OP = False


def run_kernels(x, beta, threshold, graded, mem, reset_mode, reset_delay, spec, threads,
                record_mem, num_steps, linear=None):
    rows = x.shape[0]  # T, or 1 for a static input
    step_shape = x.shape[1:]
    out_shape = (num_steps if num_steps is not None else rows, *step_shape)
    n = neurons_of(x)
    # Before the contiguous copy of a strided input below.
    memory.require(forward_bytes(x, out_shape[0], n, record_mem),
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
    # No initial membrane: the kernels start from zeros.
    mem_init = None if mem is None else mem.expand(step_shape).reshape(n).contiguous()
    if (mem_init is not None and not is_compiling and mem_init.is_inference()
            and not torch.is_inference_mode_enabled()):
        # Left by a call under torch.inference_mode (a validation pass, then
        # a Leaky continues from its state): the kernels' backward saves it,
        # which an inference tensor cannot be; snnTorch's loop never needs
        # to. (torch.compile cannot trace is_inference(): a compiled call
        # given one still fails, with torch's error.)
        mem_init = mem_init.clone()
    config = KernelConfig(reset_mode, kernel_reset_delay(reset_mode, reset_delay),
                          spec.kernel_id, spec.a, spec.b, threads, record_mem, num_steps)
    # The kernels clamp beta themselves; the clamp here gives its gradient
    # the clamp's mask.
    decay = beta.clamp(0, 1) if isinstance(beta, torch.Tensor) and beta.requires_grad else beta
    # The kernels take the current as it is shaped, [rows, ...], and give
    # their outputs shaped so: no reshapes of autograd's here.
    layer = (x.contiguous(), mem_init, per_neuron(decay), per_neuron(threshold),
             per_neuron(graded))
    if linear is not None:
        weight, bias = linear
        out, mem_final = LifLinearFunction.apply(*layer, weight, bias, config)
        return out.reshape(*out_shape[:-1], weight.shape[0]), mem_final
    use_custom_op = library.AVAILABLE and (EAGER_CUSTOM_OP or is_compiling)
    apply = library.apply if use_custom_op else LifFunction.apply
    spk, mem_rec, mem_final = apply(*layer, config)
    if record_mem:
        return spk, mem_rec
    # The final membrane is in the state dtype: float32 for float16 layers.
    return spk, mem_final if mem_final.dtype == x.dtype else mem_final.to(x.dtype)
