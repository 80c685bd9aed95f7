"""A recurrent neuron layer with an all-to-all Linear recurrence (snnTorch's
RLeaky/RSynaptic with all_to_all=True and linear_features) as one autograd
node.

No fusion over time is possible: the previous step's spikes, through the
Linear, feed every step. Per step the forward makes the product with the call
snnTorch makes (torch.nn.functional.linear, so it is bitwise snnTorch's), then
runs one step of the model's kernel, which takes the product as the carried
spike with V = 1 (``rec*1`` is ``rec`` exactly). The backward walks the steps
in reverse: per step the kernel's reverse step (whose carried spike's
gradient is the product's, g_t), then the previous spikes' gradient
``g_t @ W``; the weight's gradient is one matrix product after the loop,
``sum_t g_t^T spk_{t-1}``, and the bias's one sum.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.autograd.function import once_differentiable

from . import kernels as _kernels
from .config import KernelConfig
from .models import MODELS_BY_ID


class AllToAllFunction(torch.autograd.Function):
    """apply(config, current [T, ..., F] (or one step's [1, ..., F] with
    config.num_steps), weight [F, F], bias [F] or None, *states, *params):
    the model's initial states in its order, each an [N] vector or None
    (zeros), the carried spike last; its parameters as kernels.py takes them,
    V the number 1.0. Returns (spikes [T, ...], *records (None without
    config.record_states), *final states [...])."""

    @staticmethod
    def forward(ctx, config: KernelConfig, current, weight, bias, *layer):
        spec = MODELS_BY_ID[config.model]
        k = len(spec.states)
        params = layer[k:]
        static = config.num_steps is not None
        rows = config.num_steps if static else current.shape[0]
        step_shape = current.shape[1:]
        n = current[0].numel()
        one_step = config._replace(record_states=False, num_steps=None)
        init = [current.new_zeros(n) if s is None else s for s in layer[:k]]
        state, spk = init[:-1], init[-1]
        spikes, recs, afters = [], [], [[] for _ in state]
        for t in range(rows):
            rec = F.linear(spk.view(step_shape), weight, bias).reshape(n)
            out, _, finals = _kernels.forward(current if static else current[t:t + 1],
                                              (*state, rec), params, one_step)
            spk = out.reshape(n)
            state = [f.reshape(n) for f in finals[:-1]]
            spikes.append(spk)
            recs.append(rec)
            for after, value in zip(afters, state):
                after.append(value)
        spikes = torch.stack(spikes)
        afters = [torch.stack(a) for a in afters]
        tensor_params = [p for p in params if isinstance(p, torch.Tensor)]
        ctx.save_for_backward(current, weight, spikes, torch.stack(recs), *init, *afters,
                              *tensor_params)
        ctx.numbers = [None if isinstance(p, torch.Tensor) else p for p in params]
        ctx.config, ctx.k, ctx.has_bias = config, k, bias is not None
        ctx.set_materialize_grads(False)
        out_shape = (rows, *step_shape)
        records = (tuple(a.view(out_shape).clone() for a in afters[:spec.recorded])
                   if config.record_states else (None,) * spec.recorded)
        finals = [s.view(step_shape) for s in state] + [spk.view(step_shape).clone()]
        return (spikes.view(out_shape), *records, *finals)

    @staticmethod
    @once_differentiable  # the kernel's gradients carry no graph: refuse double backward
    def backward(ctx, grad_spikes, *upstream):
        config, k = ctx.config, ctx.k
        spec = MODELS_BY_ID[config.model]
        current, weight, spikes, recs, *rest = ctx.saved_tensors
        init, afters, tensor_params = rest[:k], rest[k:2 * k - 1], iter(rest[2 * k - 1:])
        params = tuple(next(tensor_params) if p is None else p for p in ctx.numbers)
        grad_records, grad_finals = upstream[:spec.recorded], upstream[spec.recorded:]
        static = config.num_steps is not None
        rows, n = spikes.shape
        features = weight.shape[1]
        one_step = config._replace(record_states=True, num_steps=None)
        needs = ctx.needs_input_grad  # config, current, weight, bias, *states, *params
        param_grads = any(needs[4 + k:])
        carry = [None if g is None else g.reshape(n) for g in grad_finals]
        rec_grads, current_grads, param_sums = [None] * rows, [], [None] * len(params)
        for t in reversed(range(rows)):
            start = tuple(init[i] if t == 0 else afters[i][t - 1] for i in range(k - 1))
            grad_current, grad_states, grad_params = _kernels.backward(
                current if static else current[t:t + 1], (*start, recs[t]), params,
                None if grad_spikes is None else grad_spikes[t:t + 1],
                tuple(None if g is None else g[t:t + 1] for g in grad_records),
                tuple(carry), one_step, param_grads=param_grads)
            current_grads.append(grad_current)
            rec_grads[t] = grad_states[-1]
            # The previous spikes' gradient, through this step's product.
            carry = list(grad_states[:-1]) + [
                grad_states[-1].view(-1, features).mm(weight).reshape(n)]
            param_sums = [s if g is None else (g if s is None else s + g)
                          for s, g in zip(param_sums, grad_params)]
        if static:
            grad_current = torch.stack(current_grads).sum(0)
        else:
            grad_current = torch.cat(current_grads[::-1])
        rec = torch.stack(rec_grads).view(-1, features)
        grad_weight = grad_bias = None
        if needs[2]:
            previous = torch.cat([init[-1].view(1, n), spikes[:-1]])
            grad_weight = rec.t().mm(previous.view(-1, features))
        if ctx.has_bias and needs[3]:
            grad_bias = rec.sum(0)
        grads = (grad_current, grad_weight, grad_bias, *carry, *param_sums)
        return (None,) + tuple(g if need else None for g, need in zip(grads, needs[1:]))
