"""The fused LIF as a torch.autograd.Function over the host kernels: the
front end for eager calls (it costs less per call than the custom op) and for
torch versions without torch.library.custom_op (PopTorch's torch 2.0);
library.py is the one torch.compile traces."""
from __future__ import annotations

import torch
from torch.autograd.function import once_differentiable

from . import kernels as _kernels
from .config import KernelConfig


class LifFunction(torch.autograd.Function):
    """See kernels.py for the tensors and outputs."""

    @staticmethod
    def forward(ctx, current, mem_init, decay, threshold, graded, config: KernelConfig):
        # mem is None without config.record_mem.
        spikes, mem, mem_final = _kernels.forward(current, mem_init, decay, threshold,
                                                  graded, config)
        _kernels.save_layer(ctx, current, mem_init, decay, threshold, graded)
        ctx.config = config
        ctx.set_materialize_grads(False)
        return spikes, mem, mem_final

    @staticmethod
    @once_differentiable  # the kernel's gradients carry no graph: refuse double backward
    def backward(ctx, grad_spikes, grad_mem, grad_mem_final):
        if grad_spikes is None and grad_mem is None and grad_mem_final is None:
            return None, None, None, None, None, None
        needs = ctx.needs_input_grad
        grads = _kernels.backward(*_kernels.saved_layer(ctx), grad_spikes, grad_mem,
                                  grad_mem_final, ctx.config, param_grads=any(needs[2:5]),
                                  mem_init_grad=needs[1])
        return tuple(g if need else None for g, need in zip(grads, needs)) + (None,)
