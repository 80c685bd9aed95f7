"""The host kernels as plain functions of tensors (no autograd).

Both autograd front ends call these: the torch.library custom op
(library.py, torch >= 2.4, what torch.compile traces) and the
torch.autograd.Function (autograd.py, for eager calls and for older torch such
as PopTorch's 2.0).

A layer of neuron model ``config.model`` (models.py) is: the current
[T, ...] (float16/32/64, contiguous, CPU; N neurons per step), or [1, ...]
for a static input with num_steps = T; the initial states, a tuple with a
[N] tensor in the state dtype (state_dtype: float32, or float64 for float64
currents) or None (zeros) per state; the parameters, a tuple with a number
or a [1] or [N] tensor in the state dtype per parameter. The host module
allocates the outputs (large ones from its pool) and they come back shaped
like the current. The kernels clamp the clamped parameters to [0, 1]
themselves (ops also clamps one that needs a gradient, for the clamp's mask).
"""
from __future__ import annotations

import functools

import torch

from .. import runtime
from .._backends.host import require_host
from . import memory
from .config import KernelConfig, state_bytes
from .models import MODELS_BY_ID


def _np(t: torch.Tensor):
    # numpy() refuses tensors that require grad (the autograd inputs).
    return t.detach().numpy() if t.requires_grad else t.numpy()


def _arg(value):
    """A kernel argument as the host module takes it: a tensor as a NumPy view
    of it; None and numbers (parameters given as one value) as they are."""
    return _np(value) if isinstance(value, torch.Tensor) else value


def _tensor(array, shape=None):
    if array is None:
        return None
    # NumPy reshapes a view for a fraction of what torch's reshape costs.
    return torch.from_numpy(array if shape is None else array.reshape(shape))


def _layer_np(current):
    """current [rows, ...] as the [rows, N] array the host module takes."""
    return _np(current).reshape(current.shape[0], -1)


def _states_arg(states):
    """Initial states as the host module takes them: None when all are zeros."""
    if all(s is None for s in states):
        return None
    return [_arg(s) for s in states]


def _graph():
    """The graph backend (built on first use, see snn_ipu/_backends/graph.py)."""
    from .._backends import graph
    return graph


def neurons_of(current) -> int:
    return current.numel() // current.shape[0]


def _run_args(config: KernelConfig):
    threads = config.num_threads or runtime.num_threads()
    debug = runtime.debug_enabled()
    return threads, debug, (runtime.next_debug_seed() if debug else 0)


def num_steps_of(current: torch.Tensor, config: KernelConfig) -> int:
    return current.shape[0] if config.num_steps is None else config.num_steps


def save_layer(ctx, current, states, params, *others):
    """ctx.save_for_backward of a layer (current, initial states, parameters,
    then any other tensors), where parameters may be numbers (Python floats,
    as ops passes them): those are kept on ctx instead."""
    ctx.layer_shape = (len(states), len(params))
    ctx.layer_numbers = [p if isinstance(p, float) else None for p in params]
    ctx.save_for_backward(current, *states,
                          *[None if isinstance(p, float) else p for p in params], *others)


def saved_layer(ctx):
    """What save_layer saved: (current, states, params, others)."""
    saved = list(ctx.saved_tensors)
    states_n, params_n = ctx.layer_shape
    current, states = saved[0], tuple(saved[1:1 + states_n])
    params = saved[1 + states_n:1 + states_n + params_n]
    params = tuple(n if n is not None else p for p, n in zip(params, ctx.layer_numbers))
    return current, states, params, tuple(saved[1 + states_n + params_n:])


def forward(current, states, params, config: KernelConfig):
    """Returns (spikes [T, ...], the recorded states' records [T, ...] as a
    tuple, or None when not config.record_states, the final states [...] in
    the state dtype as a tuple), allocated by the backend, for a current
    [T, ...] (or [1, ...] with num_steps)."""
    threads, debug, seed = _run_args(config)
    args = (_layer_np(current), _states_arg(states), [_arg(p) for p in params],
            config.record_states, config.reset_mode, config.reset_delay)
    if runtime.get_backend() == "graph":
        spikes, records, finals = _graph().forward(
            MODELS_BY_ID[config.model], *args, config.num_steps, seed)
    else:
        spikes, records, finals = require_host().neuron_forward(
            config.model, *args, threads, debug, seed, config.num_steps)
    step_shape = current.shape[1:]
    out_shape = (spikes.shape[0], *step_shape)
    return (_tensor(spikes, out_shape),
            None if records is None else tuple(_tensor(r, out_shape) for r in records),
            tuple(_tensor(f, step_shape) for f in finals))


def forward_bytes(x, steps, n, record_states, model=0) -> int:
    """What a kernel forward call allocates: a contiguous copy of a strided
    input, the spikes (and the records), and per-neuron vectors (the initial
    and final states, the parameters) in the state dtype."""
    spec = MODELS_BY_ID[model]
    element = x.element_size()
    state = state_bytes(x)
    copy = 0 if x.is_contiguous() else x.numel() * element
    outputs = steps * n * element * (1 + (spec.recorded if record_states else 0))
    return copy + outputs + (2 * len(spec.states) + len(spec.params)) * n * state


def backward(current, states, params, grad_spikes, grad_records, grad_finals,
             config: KernelConfig, param_grads: bool = True, state_grads=None,
             linear=None):
    """Returns (the current's gradient, the initial states' gradients as a
    tuple, None where ``state_grads`` (a bool per state, default all) does
    not ask for one, the parameters' gradients as a tuple, None unless
    ``param_grads`` and for numbers). A parameter given as a one-element
    tensor gets the sum of the per-neuron partials. Upstream gradients may be
    None (zero): grad_records a tuple per recorded state, grad_finals per
    state. ``linear=(grad_out, weight)``, in place of grad_spikes, gives the
    spikes' upstream gradient as that of the Linear layer they feed (Leaky
    only, see linear.py)."""
    host = require_host()
    n = neurons_of(current)
    spec = MODELS_BY_ID[config.model]
    if not config.record_states or grad_records is None:
        grad_records = (None,) * spec.recorded
    if state_grads is None:
        state_grads = (True,) * len(spec.states)
    threads, debug, seed = _run_args(config)
    steps = num_steps_of(current, config)
    memory.require(
        _backward_bytes(host, current, steps, (grad_spikes, *grad_records), threads,
                        debug, linear is not None, config.model),
        lambda: f"the backward pass over a layer of {steps} steps x {n} neurons "
                f"({current.dtype})")

    def layer_grad(t):  # an upstream [T, ...] gradient as a [T, N] array
        return None if t is None else _np(t.contiguous()).reshape(steps, -1)

    def state_grad(t):  # an upstream [...] gradient as an [N] array
        return None if t is None else _np(t.contiguous()).reshape(-1)

    upstream = (layer_grad(grad_spikes),
                None if all(g is None for g in grad_records)
                else [layer_grad(g) for g in grad_records],
                None if all(g is None for g in grad_finals)
                else [state_grad(g) for g in grad_finals])
    if runtime.get_backend() == "graph":
        if linear is not None:
            # The graph has no fused Linear: the spikes' gradient is the
            # matmul an IPU graph would compute (equal to the host runner's
            # fused product to round-off, not bit for bit).
            grad_out, weight = linear
            upstream = (layer_grad(torch.mm(grad_out, weight.to(grad_out.dtype))
                                   .reshape(steps, -1)),) + upstream[1:]
        grad_current, grad_states, _, grad_params = _graph().backward(
            MODELS_BY_ID[config.model], _layer_np(current), _states_arg(states),
            [_arg(p) for p in params], *upstream, config.reset_mode, config.reset_delay, config.surrogate,
            config.surrogate_a, config.surrogate_b, config.num_steps, seed)
        # As the host module: the gradients asked for, the parameters' per neuron
        # (summed below as the host backend's are, so that both are bitwise equal).
        grad_states = [g if wanted else None for g, wanted in zip(grad_states, state_grads)]
        grad_params = grad_params if param_grads else None
    else:
        grad_current, grad_states, grad_params = host.neuron_backward(
            config.model, _layer_np(current), _states_arg(states), [_arg(p) for p in params],
            *upstream, list(state_grads), param_grads, config.reset_mode, config.reset_delay,
            config.surrogate, config.surrogate_a, config.surrogate_b, threads, debug, seed,
            config.num_steps,
            *((_np(linear[0]), _np(linear[1])) if linear is not None else ()))
    grad_current = _tensor(grad_current, current.shape)
    grad_states = tuple(_tensor(g) for g in grad_states)
    if grad_params is None:
        return grad_current, grad_states, (None,) * len(params)

    def reduce_to(grad, param):
        if not isinstance(param, torch.Tensor):
            return None  # a number: no gradient
        grad = torch.from_numpy(grad)
        return grad.sum().reshape(1) if param.numel() == 1 and n != 1 else grad

    return grad_current, grad_states, tuple(reduce_to(g, p) for g, p in zip(grad_params, params))


_PLAN_DTYPES = {torch.float16: "half", torch.float32: "float", torch.float64: "double"}


@functools.lru_cache(maxsize=64)
def _runner_bytes(host, model, steps, n, dtype_name, element, state, threads, debug,
                  through_linear) -> int:
    """What the host runner allocates for a backward call, at most: zeros for
    absent inputs (their own above the shared zero mapping's 16 MiB), the
    initial states' gradients nobody wants (the vertices write them anyway)
    and every tile's scratch of recomputed states (through a Linear layer:
    every thread's block of upstream gradient and scratch). The backward's
    chunk is sized by the planes its recompute stores (fewer without the
    parameters' gradients): the bound takes the widest chunk and the largest
    chunk x planes over every plane count the model can store.
    Cached: a training loop asks for the same few layers at every call."""
    plan = host.host_plan(steps, n, dtype_name, threads, debug, model)
    plans = [host.host_plan(steps, n, dtype_name, threads, debug, model, planes)
             for planes in range(1, plan.max_saved_planes + 1)]
    chunk = max(p.chunk_neurons for p in plans)
    tile_scratch = max(p.backward_scratch_elements for p in plans)
    states = len(MODELS_BY_ID[model].states)
    zeros = n * (element + state) + states * n * state
    if through_linear:
        # Each thread's block of the upstream gradient (T x one chunk per
        # vertex worker) and a vertex scratch of its own.
        return zeros + threads * (steps * plan.workers_per_tile * chunk * element
                                  + tile_scratch * state)
    return zeros + tile_scratch * plan.tiles_used * state


def _backward_bytes(host, current, steps, upstream, threads, debug, through_linear,
                    model) -> int:
    """What a kernel backward call allocates, at most: the current's gradient,
    the per-neuron gradients of the states and parameters, contiguous copies
    of strided upstream gradients, and the runner's own buffers
    (_runner_bytes)."""
    spec = MODELS_BY_ID[model]
    rows, n = current.shape[0], neurons_of(current)
    element = current.element_size()
    state = state_bytes(current)
    total = rows * n * element + (len(spec.states) + len(spec.params)) * n * state
    for grad in upstream:
        if grad is not None and not grad.is_contiguous():
            total += grad.numel() * element
    return total + _runner_bytes(host, model, steps, n, _PLAN_DTYPES[current.dtype], element,
                                 state, threads, debug, through_linear)
