"""A neuron layer as a torch.autograd.Function over the host kernels: the
front end for eager calls (it costs less per call than the custom op) and for
torch versions without torch.library.custom_op (PopTorch's torch 2.0);
library.py is the one torch.compile traces."""
from __future__ import annotations

import torch
from torch.autograd.function import once_differentiable

from . import kernels as _kernels
from .config import KernelConfig
from .models import MODELS_BY_ID


class NeuronFunction(torch.autograd.Function):
    """apply(config, current, *states, *params): the model's initial states
    (tensors, or None for zeros) and parameters (tensors or numbers), see
    kernels.py. Returns (spikes, *records, *final states): a record per
    recorded state (None without config.record_states)."""

    @staticmethod
    def forward(ctx, config: KernelConfig, current, *layer):
        spec = MODELS_BY_ID[config.model]
        states, params = layer[:len(spec.states)], layer[len(spec.states):]
        spikes, records, finals = _kernels.forward(current, states, params, config)
        _kernels.save_layer(ctx, current, states, params)
        ctx.config = config
        ctx.set_materialize_grads(False)
        if records is None:
            records = (None,) * spec.recorded
        return (spikes, *records, *finals)

    @staticmethod
    @once_differentiable  # the kernel's gradients carry no graph: refuse double backward
    def backward(ctx, grad_spikes, *upstream):
        config = ctx.config
        spec = MODELS_BY_ID[config.model]
        states_n = len(spec.states)
        needs = ctx.needs_input_grad  # config, current, *states, *params
        if grad_spikes is None and all(g is None for g in upstream):
            return (None,) * len(needs)
        current, states, params, _ = _kernels.saved_layer(ctx)
        grad_current, grad_states, grad_params = _kernels.backward(
            current, states, params, grad_spikes, upstream[:spec.recorded],
            upstream[spec.recorded:], config, param_grads=any(needs[2 + states_n:]),
            state_grads=needs[2:2 + states_n])
        grads = (grad_current, *grad_states, *grad_params)
        return (None,) + tuple(g if need else None for g, need in zip(grads, needs[1:]))
