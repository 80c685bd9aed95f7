"""A LIF layer and the Linear layer its spikes feed, as one autograd node.

The forward is the two calls (the kernels' forward, then
torch.nn.functional.linear on the spikes). The backward gives the LIF kernel
the Linear's output gradient and weight instead of the spikes' gradient: the
host runner forms that gradient per block of neurons, in cache (see
LifBackwardArgs::linearGrad in csrc/ops/host/HostLif.hpp), so the [T, N] tensor a
matmul would write and the kernel read back never exists.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.autograd.function import once_differentiable

from . import kernels as _kernels
from .config import KernelConfig


class LifLinearFunction(torch.autograd.Function):
    """Inputs: the LIF layer's tensors as for kernels.forward (no
    membrane record), then the Linear's weight [K, in] and bias ([K] or None).
    The layer's N neurons are rows of `in` features: spikes [T, N] are the
    Linear's input [T * N / in, in]. Outputs: the Linear's output
    [T * N / in, K] and the final membrane [N]."""

    @staticmethod
    def forward(ctx, current, mem_init, decay, threshold, graded, weight, bias,
                config: KernelConfig):
        params = (decay, threshold, graded)
        spikes, _, (mem_final,) = _kernels.forward(current, (mem_init,), params, config)
        spikes_in = spikes.view(-1, weight.shape[1])
        out = F.linear(spikes_in, weight, bias)
        _kernels.save_layer(ctx, current, (mem_init,), params, weight, spikes_in)
        ctx.config = config
        ctx.set_materialize_grads(False)
        return out, mem_final

    @staticmethod
    @once_differentiable  # the kernel's gradients carry no graph: refuse double backward
    def backward(ctx, grad_out, grad_mem_final):
        current, states, params, (weight, spikes_in) = _kernels.saved_layer(ctx)
        needs = ctx.needs_input_grad
        grad_weight = grad_bias = None
        if grad_out is not None:
            grad_out = grad_out.contiguous()
            if needs[5]:
                grad_weight = grad_out.t().mm(spikes_in)
            if needs[6]:
                grad_bias = grad_out.sum(0)
        layer_grads = (None,) * 5
        if any(needs[:5]) and (grad_out is not None or grad_mem_final is not None):
            linear = None if grad_out is None else (grad_out, weight.detach().contiguous())
            grad_current, (grad_mem,), grad_params = _kernels.backward(
                current, states, params, None, None, (grad_mem_final,), ctx.config,
                param_grads=any(needs[2:5]), state_grads=(needs[1],), linear=linear)
            grads = (grad_current, grad_mem, *grad_params)
            layer_grads = tuple(g if need else None for g, need in zip(grads, needs[:5]))
        return (*layer_grads, grad_weight, grad_bias, None)
