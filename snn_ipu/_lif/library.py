"""The neuron layers as torch.library custom ops (torch >= 2.4).

``snn_ipu::neuron_forward`` and ``snn_ipu::neuron_backward`` wrap the host
kernels (kernels.py) with fake (meta) implementations and an autograd formula,
so that torch.compile(fullgraph=True) traces models that use them without
graph breaks. Eager calls, and older torch, use the lighter
torch.autograd.Function in autograd.py instead (front_end.EAGER_CUSTOM_OP).
The op takes the model's states and parameters as lists of tensors (zeros
for absent states, [1] tensors for numbers), in the model's order.
"""
from __future__ import annotations

from typing import List, Optional, Tuple

import torch

from . import kernels as _kernels
from . import memory as _memory
from .config import KernelConfig, param_tensors, state_dtype
from .models import MODELS_BY_ID

AVAILABLE = hasattr(torch.library, "custom_op") and hasattr(torch.library, "register_autograd")

Tensor = torch.Tensor


def _config(model, reset_mode, reset_delay, surrogate, surrogate_a, surrogate_b, num_threads,
            record_states, num_steps):
    return KernelConfig(reset_mode, reset_delay, surrogate, surrogate_a, surrogate_b,
                        num_threads, record_states, num_steps, model)


if AVAILABLE:

    @torch.library.custom_op("snn_ipu::neuron_forward", mutates_args=())
    def neuron_forward(current: Tensor, states: List[Tensor], params: List[Tensor], model: int,
                       reset_mode: int, reset_delay: bool, surrogate: int, surrogate_a: float,
                       surrogate_b: float, num_threads: int, record_states: bool,
                       num_steps: Optional[int]) -> Tuple[Tensor, List[Tensor], List[Tensor]]:
        config = _config(model, reset_mode, reset_delay, surrogate, surrogate_a, surrogate_b,
                         num_threads, record_states, num_steps)
        # ops checks memory before it calls the op, except while torch.compile
        # traces it (reading /proc would break the graph): the compiled call
        # is checked here, when it runs. (An eager call through the op,
        # front_end.EAGER_CUSTOM_OP, is checked twice; the check costs nothing
        # below _memory.CHECK_MIN_BYTES.)
        steps = _kernels.num_steps_of(current, config)
        _memory.require(
            _kernels.forward_bytes(current, steps, current.shape[1], record_states, model),
            lambda: f"the forward pass over a layer of {steps} steps x {current.shape[1]} "
                    f"neurons ({current.dtype})")
        spikes, records, finals = _kernels.forward(current, tuple(states), tuple(params),
                                                   config)
        return spikes, list(records) if records is not None else [], list(finals)

    @neuron_forward.register_fake
    def _(current, states, params, model, reset_mode, reset_delay, surrogate, surrogate_a,
          surrogate_b, num_threads, record_states, num_steps):
        spec = MODELS_BY_ID[model]
        steps = current.shape[0] if num_steps is None else num_steps
        layer = (steps, current.shape[1])
        records = [current.new_empty(layer) for _ in range(spec.recorded)] if record_states else []
        return current.new_empty(layer), records, [s.new_empty(s.shape) for s in states]

    @torch.library.custom_op("snn_ipu::neuron_backward", mutates_args=())
    def neuron_backward(current: Tensor, states: List[Tensor], params: List[Tensor],
                        grad_spikes: Optional[Tensor], grad_records: List[Optional[Tensor]],
                        grad_finals: List[Optional[Tensor]], model: int, reset_mode: int,
                        reset_delay: bool, surrogate: int, surrogate_a: float,
                        surrogate_b: float, num_threads: int, record_states: bool,
                        num_steps: Optional[int], param_grads: bool
                        ) -> Tuple[Tensor, List[Tensor], List[Tensor]]:
        config = _config(model, reset_mode, reset_delay, surrogate, surrogate_a, surrogate_b,
                         num_threads, record_states, num_steps)
        grad_current, grad_states, grad_params = _kernels.backward(
            current, tuple(states), tuple(params), grad_spikes,
            tuple(grad_records) if grad_records else None, tuple(grad_finals), config,
            param_grads)
        # The schema returns tensors: empty ones for the parameters' when
        # not asked for (as the fake implementation says).
        return (grad_current, list(grad_states),
                [g if g is not None else current.new_empty(0) for g in grad_params])

    @neuron_backward.register_fake
    def _(current, states, params, grad_spikes, grad_records, grad_finals, model, reset_mode,
          reset_delay, surrogate, surrogate_a, surrogate_b, num_threads, record_states,
          num_steps, param_grads):
        return (current.new_empty(current.shape), [s.new_empty(s.shape) for s in states],
                [p.new_empty(p.shape if param_grads else (0,)) for p in params])

    def _setup_context(ctx, inputs, output):
        current, states, params, *scalars = inputs
        ctx.save_for_backward(current, *states, *params)
        ctx.counts = (len(states), len(params))
        ctx.scalars = scalars

    def _backward(ctx, grad_spikes, grad_records, grad_finals):
        states_n, params_n = ctx.counts
        current, *layer = ctx.saved_tensors
        states, params = layer[:states_n], layer[states_n:]
        needs_states, needs_params = ctx.needs_input_grad[1], ctx.needs_input_grad[2]
        grad_current, grad_states, grad_params = torch.ops.snn_ipu.neuron_backward(
            current, states, params, grad_spikes, list(grad_records), list(grad_finals),
            *ctx.scalars, any(needs_params))
        return (grad_current if ctx.needs_input_grad[0] else None,
                [g if need else None for g, need in zip(grad_states, needs_states)],
                [g if need else None for g, need in zip(grad_params, needs_params)],
                *(None,) * len(ctx.scalars))

    torch.library.register_autograd("snn_ipu::neuron_forward", _backward,
                                    setup_context=_setup_context)


def apply(config: KernelConfig, current, *layer):
    """Runs the forward op; returns what autograd.NeuronFunction.apply returns
    for the same arguments: a current [rows, ...], the model's states (None:
    zeros) and parameters (numbers or tensors). The op itself takes [rows, N]
    and lists of tensors."""
    spec = MODELS_BY_ID[config.model]
    states, params = layer[:len(spec.states)], layer[len(spec.states):]
    state = state_dtype(current)
    rows, step_shape = current.shape[0], current.shape[1:]
    n = _kernels.neurons_of(current)
    states = [s if s is not None else torch.zeros(n, dtype=state) for s in states]
    params = list(param_tensors(params, current, (1,)))
    spikes, records, finals = torch.ops.snn_ipu.neuron_forward(
        current.reshape(rows, n), states, params, config.model, config.reset_mode,
        config.reset_delay, config.surrogate, config.surrogate_a, config.surrogate_b,
        config.num_threads, config.record_states, config.num_steps)
    out_shape = (spikes.shape[0], *step_shape)
    records = ([r.reshape(out_shape) for r in records] if config.record_states
               else [None] * spec.recorded)
    return (spikes.reshape(out_shape), *records, *(f.reshape(step_shape) for f in finals))
