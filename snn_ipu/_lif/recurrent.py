"""A recurrent neuron layer with an all-to-all recurrence (snnTorch's
RLeaky/RSynaptic with all_to_all=True: a Linear or a Conv2d over the previous
spikes, recurrences.py) as one autograd node.

No fusion over time is possible: the previous step's spikes, through the
recurrent layer, feed every step. Per step the forward makes the product with
the call snnTorch makes (so it is bitwise snnTorch's), then runs one step of
the model's kernel, which takes the product as the carried spike with V = 1
(``rec*1`` is ``rec`` exactly). The backward walks the steps in reverse: per
step the kernel's reverse step (whose carried spike's gradient is the
product's, g_t), then the previous spikes' gradient through the product
(``g_t @ W``, or the transposed convolution); the weight's gradient is one
product after the loop, ``sum_t g_t^T spk_{t-1}`` (a convolution's is
summed step by step, recurrences.py), and the bias's one sum.

Memory: the forward keeps the spikes, the products and the states after each
step (the kernel's reverse step starts from them), each one [T, N] tensor
written in place step by step. The backward writes each step's g_t into one
[T, N] tensor, which is also the current's gradient: with V = 1 the kernel's
carried-spike gradient is its current gradient times 1.
"""
from __future__ import annotations

import torch
from torch.autograd.function import once_differentiable

from . import kernels as _kernels
from .config import KernelConfig
from .models import MODELS_BY_ID


class AllToAllFunction(torch.autograd.Function):
    """apply(config, recurrence, current [T, ...] (or one step's [1, ...]
    with config.num_steps), weight, bias or None, *states, *params): the
    recurrence a recurrences.py object that fits the weight and the step's
    shape; the model's initial states in its order, each an [N] vector or
    None (zeros), the carried spike last; its parameters as kernels.py takes
    them, V the number 1.0. Returns (spikes [T, ...], *records (None without
    config.record_states), *final states [...])."""

    @staticmethod
    def forward(ctx, config: KernelConfig, recurrence, current, weight, bias, *layer):
        spec = MODELS_BY_ID[config.model]
        k = len(spec.states)
        params = layer[k:]
        static = config.num_steps is not None
        rows = config.num_steps if static else current.shape[0]
        step_shape = current.shape[1:]
        n = current[0].numel()
        one_step = config._replace(record_states=False, num_steps=None)
        out_shape = (rows, *step_shape)
        init = [current.new_zeros(n) if s is None else s for s in layer[:k]]
        # The outputs are these tensors themselves, not views of them (which
        # autograd would forbid to edit in place); the loop writes their rows.
        spikes = current.new_empty(out_shape)
        recs = current.new_empty(rows, n)
        # The states after each step, but the carried spike (the product).
        afters = [current.new_empty(out_shape) for _ in range(k - 1)]
        state, spk = init[:-1], init[-1]
        for t in range(rows):
            rec = recurrence.product(spk.view(step_shape), weight, bias)
            recs[t].copy_(rec.reshape(n))
            out, _, finals = _kernels.forward(current if static else current[t:t + 1],
                                              (*state, recs[t]), params, one_step)
            # The next product reads the kernel's own (aligned) spikes, not
            # their row of `spikes`: a GEMM's rounding can depend on the
            # alignment of its operands, and snnTorch's spikes are a tensor
            # of their own.
            spk = out.reshape(n)
            spikes[t].view(n).copy_(spk)
            for after, value in zip(afters, finals[:-1]):
                after[t].view(n).copy_(value.reshape(n))
            state = [after[t].view(n) for after in afters]
        tensor_params = [p for p in params if isinstance(p, torch.Tensor)]
        ctx.save_for_backward(current, weight, spikes, recs, *init, *afters, *tensor_params)
        ctx.numbers = [None if isinstance(p, torch.Tensor) else p for p in params]
        ctx.config, ctx.recurrence, ctx.k = config, recurrence, k
        ctx.has_bias = bias is not None
        ctx.set_materialize_grads(False)
        # The records are the saved states themselves (an in-place edit of
        # one then fails the backward, as torch's own saved outputs do).
        records = (tuple(afters[:spec.recorded]) if config.record_states
                   else (None,) * spec.recorded)
        finals = [a[-1].clone() for a in afters] + [spikes[-1].clone()]
        return (spikes, *records, *finals)

    @staticmethod
    @once_differentiable  # the kernel's gradients carry no graph: refuse double backward
    def backward(ctx, grad_spikes, *upstream):
        config, recurrence, k = ctx.config, ctx.recurrence, ctx.k
        spec = MODELS_BY_ID[config.model]
        current, weight, spikes, recs, *rest = ctx.saved_tensors
        init, afters, tensor_params = rest[:k], rest[k:2 * k - 1], iter(rest[2 * k - 1:])
        params = tuple(next(tensor_params) if p is None else p for p in ctx.numbers)
        grad_records, grad_finals = upstream[:spec.recorded], upstream[spec.recorded:]
        static = config.num_steps is not None
        rows = spikes.shape[0]
        step_shape = spikes.shape[1:]
        n = spikes[0].numel()
        spikes = spikes.view(rows, n)
        afters = [a.view(rows, n) for a in afters]
        items = (-1, *recurrence.item_shape(step_shape))
        one_step = config._replace(record_states=True, num_steps=None)
        # config, recurrence, current, weight, bias, *states, *params
        needs = ctx.needs_input_grad
        param_grads = any(needs[5 + k:])
        carry = [None if g is None else g.reshape(n) for g in grad_finals]
        # g_t, the product's gradient at step t: also the current's.
        product_grads = spikes.new_empty(rows, n)
        param_sums = [None] * len(params)
        grad_weight = grad_bias = None
        for t in reversed(range(rows)):
            start = tuple(init[i] if t == 0 else afters[i][t - 1] for i in range(k - 1))
            grad_current, grad_states, grad_params = _kernels.backward(
                current if static else current[t:t + 1], (*start, recs[t]), params,
                None if grad_spikes is None else grad_spikes[t:t + 1],
                tuple(None if g is None else g[t:t + 1] for g in grad_records),
                tuple(carry), one_step, param_grads=param_grads)
            product_grads[t].copy_(grad_current.reshape(n))
            previous = (init[-1] if t == 0 else spikes[t - 1]).view(items)
            # The previous spikes' gradient, through this step's product.
            if recurrence.weight_grad_per_step and needs[3]:
                grad_previous, step_weight = recurrence.input_and_weight_grad(
                    product_grads[t].view(items), previous, weight)
                grad_weight = (step_weight if grad_weight is None
                               else grad_weight.add_(step_weight))
            else:
                grad_previous = recurrence.input_grad(product_grads[t].view(items),
                                                      previous, weight)
            carry = list(grad_states[:-1]) + [grad_previous.reshape(n)]
            param_sums = [s if g is None else (g if s is None else s + g)
                          for s, g in zip(param_sums, grad_params)]
        if needs[3] and not recurrence.weight_grad_per_step:
            grad_weight = recurrence.weight_grad(product_grads[:1].view(items),
                                                 init[-1].view(items), weight)
            if rows > 1:
                grad_weight += recurrence.weight_grad(product_grads[1:].view(items),
                                                      spikes[:-1].view(items), weight)
        if ctx.has_bias and needs[4]:
            grad_bias = recurrence.bias_grad(product_grads.view(items))
        if static:
            grad_current = product_grads.sum(0).view(current.shape)
        else:
            grad_current = product_grads.view(current.shape)
        grads = (grad_current, grad_weight, grad_bias, *carry, *param_sums)
        return (None, None) + tuple(g if need else None for g, need in zip(grads, needs[2:]))
