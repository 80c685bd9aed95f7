"""The fused LIF as torch.library custom ops (torch >= 2.4).

``snn_ipu::lif_forward`` and ``snn_ipu::lif_backward`` wrap the host kernels
(kernels.py) with fake (meta) implementations and an autograd formula, so
that torch.compile(fullgraph=True) traces models that use them without graph
breaks. Eager calls, and older torch, use the lighter torch.autograd.Function
in autograd.py instead (front_end.EAGER_CUSTOM_OP).
"""
from __future__ import annotations

from typing import Optional, Tuple

import torch

from . import kernels as _kernels
from . import memory as _memory
from .config import KernelConfig, param_tensors, state_dtype

AVAILABLE = hasattr(torch.library, "custom_op") and hasattr(torch.library, "register_autograd")

Tensor = torch.Tensor


if AVAILABLE:

    @torch.library.custom_op("snn_ipu::lif_forward", mutates_args=())
    def lif_forward(current: Tensor, mem_init: Tensor, decay: Tensor, threshold: Tensor,
                    graded: Tensor, reset_mode: int, reset_delay: bool, surrogate: int,
                    surrogate_a: float, surrogate_b: float, num_threads: int,
                    record_mem: bool, num_steps: Optional[int]) -> Tuple[Tensor, Tensor, Tensor]:
        config = KernelConfig(reset_mode, reset_delay, surrogate, surrogate_a, surrogate_b,
                              num_threads, record_mem, num_steps)
        # ops.lif checks memory before it calls the op, except while
        # torch.compile traces it (reading /proc would break the graph): the
        # compiled call is checked here, when it runs. (An eager call through
        # the op, front_end.EAGER_CUSTOM_OP, is checked twice; the check costs nothing
        # below _memory.CHECK_MIN_BYTES.)
        steps = _kernels.num_steps_of(current, config)
        _memory.require(
            _kernels.forward_bytes(current, steps, current.shape[1], record_mem),
            lambda: f"the forward pass over a layer of {steps} steps x {current.shape[1]} "
                    f"neurons ({current.dtype})")
        spikes, mem, mem_final = _kernels.forward(current, mem_init, decay, threshold,
                                                  graded, config)
        return spikes, (mem if mem is not None else current.new_empty(0)), mem_final

    @lif_forward.register_fake
    def _(current, mem_init, decay, threshold, graded, reset_mode, reset_delay, surrogate,
          surrogate_a, surrogate_b, num_threads, record_mem, num_steps):
        steps = current.shape[0] if num_steps is None else num_steps
        layer = (steps, current.shape[1])
        mem = current.new_empty(layer) if record_mem else current.new_empty(0)
        return current.new_empty(layer), mem, mem_init.new_empty(mem_init.shape)

    @torch.library.custom_op("snn_ipu::lif_backward", mutates_args=())
    def lif_backward(current: Tensor, mem_init: Tensor, decay: Tensor, threshold: Tensor,
                     graded: Tensor, grad_spikes: Optional[Tensor], grad_mem: Optional[Tensor],
                     grad_mem_final: Optional[Tensor], reset_mode: int, reset_delay: bool,
                     surrogate: int, surrogate_a: float, surrogate_b: float, num_threads: int,
                     record_mem: bool, num_steps: Optional[int], param_grads: bool
                     ) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
        config = KernelConfig(reset_mode, reset_delay, surrogate, surrogate_a, surrogate_b,
                              num_threads, record_mem, num_steps)
        grads = _kernels.backward(current, mem_init, decay, threshold, graded, grad_spikes,
                                  grad_mem, grad_mem_final, config, param_grads)
        # The schema returns tensors: empty ones for the parameters' when
        # not asked for (as the fake implementation says).
        return tuple(g if g is not None else mem_init.new_empty(0) for g in grads)

    @lif_backward.register_fake
    def _(current, mem_init, decay, threshold, graded, grad_spikes, grad_mem, grad_mem_final,
          reset_mode, reset_delay, surrogate, surrogate_a, surrogate_b, num_threads,
          record_mem, num_steps, param_grads):
        def param(p):
            return p.new_empty(p.shape if param_grads else (0,))

        return (current.new_empty(current.shape), mem_init.new_empty(mem_init.shape),
                param(decay), param(threshold), param(graded))

    def _setup_context(ctx, inputs, output):
        current, mem_init, decay, threshold, graded, *scalars = inputs
        ctx.save_for_backward(current, mem_init, decay, threshold, graded)
        ctx.scalars = scalars

    def _backward(ctx, grad_spikes, grad_mem, grad_mem_final):
        saved = ctx.saved_tensors
        param_grads = any(ctx.needs_input_grad[2:5])
        grads = torch.ops.snn_ipu.lif_backward(*saved, grad_spikes, grad_mem, grad_mem_final,
                                                *ctx.scalars, param_grads)
        return tuple(g if need else None
                     for g, need in zip(grads, ctx.needs_input_grad[:5])) + (None,) * 8

    torch.library.register_autograd("snn_ipu::lif_forward", _backward,
                                    setup_context=_setup_context)


def apply(current, mem_init, decay, threshold, graded, config: KernelConfig):
    """Runs the forward op; returns (spikes, membrane record, final membrane)
    as kernels.forward does, for the same arguments: a current
    [rows, ...], ``mem_init`` None (zeros) or [N], parameters as numbers or
    tensors. The op itself takes [rows, N] and tensors only."""
    state = state_dtype(current)
    rows, step_shape = current.shape[0], current.shape[1:]
    n = _kernels.neurons_of(current)
    if mem_init is None:
        mem_init = torch.zeros(n, dtype=state)
    decay, threshold, graded = param_tensors((decay, threshold, graded), current, (1,))
    spikes, mem, mem_final = torch.ops.snn_ipu.lif_forward(
        current.reshape(rows, n), mem_init, decay, threshold, graded, config.reset_mode,
        config.reset_delay, config.surrogate, config.surrogate_a, config.surrogate_b,
        config.num_threads, config.record_mem, config.num_steps)
    out_shape = (spikes.shape[0], *step_shape)
    return (spikes.reshape(out_shape), mem.reshape(out_shape) if config.record_mem else mem,
            mem_final.reshape(step_shape))
