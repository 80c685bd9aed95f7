"""The host kernels as plain functions of tensors (no autograd).

Both autograd front ends call these: the torch.library custom op
(library.py, torch >= 2.4, what torch.compile traces) and the
torch.autograd.Function (autograd.py, for eager calls and for older torch such
as PopTorch's 2.0).

Layer tensors: current [T, ...] (float16/32/64, contiguous, CPU; N neurons
per step), or [1, ...] for a static input with num_steps = T; initial
membrane [N] in the state dtype (state_dtype: float32, or float64 for
float64 currents), or None for zeros; beta, threshold and graded factor as
numbers or as [1] or [N] tensors in the state dtype. The host module
allocates the outputs (large ones from its pool) and they come back shaped
like the current. The kernels clamp beta to [0, 1] themselves (ops.lif also
clamps a beta that needs a gradient, for the clamp's mask).
"""
from __future__ import annotations

import functools

import torch

from .. import runtime
from .._backends.host import require_host
from . import memory
from .config import KernelConfig, state_bytes


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


def neurons_of(current) -> int:
    return current.numel() // current.shape[0]


def _run_args(config: KernelConfig):
    threads = config.num_threads or runtime.num_threads()
    debug = runtime.debug_enabled()
    return threads, debug, (runtime.next_debug_seed() if debug else 0)


def num_steps_of(current: torch.Tensor, config: KernelConfig) -> int:
    return current.shape[0] if config.num_steps is None else config.num_steps


def save_layer(ctx, current, mem_init, *params_and_others):
    """ctx.save_for_backward of a layer's inputs (current, mem_init, decay,
    threshold, graded, then any others), where the parameters may be
    numbers (Python floats, as ops.lif passes them): those are kept on ctx
    instead."""
    ctx.layer_numbers = [p if isinstance(p, float) else None for p in params_and_others[:3]]
    ctx.save_for_backward(current, mem_init,
                          *[None if isinstance(p, float) else p for p in params_and_others])


def saved_layer(ctx):
    """What save_layer saved: (current, mem_init, decay, threshold, graded,
    *others)."""
    saved = list(ctx.saved_tensors)
    for i, number in enumerate(ctx.layer_numbers, start=2):
        if number is not None:
            saved[i] = number
    return saved


def forward(current, mem_init, decay, threshold, graded, config: KernelConfig):
    """Returns (spikes [T, ...], membrane record [T, ...] or None when not
    config.record_mem, final membrane [...] in the state dtype), allocated by
    the host module, for a current [T, ...] (or [1, ...] with num_steps).
    ``mem_init`` may be None (zeros); the parameters may be numbers."""
    host = require_host()
    threads, debug, seed = _run_args(config)
    spikes, mem, mem_final = host.lif_forward(
        _layer_np(current), _arg(mem_init), _arg(decay), _arg(threshold), _arg(graded),
        config.record_mem, config.reset_mode, config.reset_delay, threads, debug, seed,
        config.num_steps)
    step_shape = current.shape[1:]
    out_shape = (spikes.shape[0], *step_shape)
    return _tensor(spikes, out_shape), _tensor(mem, out_shape), _tensor(mem_final, step_shape)


def forward_bytes(x, steps, n, record_mem) -> int:
    """What a kernel forward call allocates: a contiguous copy of a strided
    input, the spikes (and membrane record), and per-neuron vectors (initial
    and final membrane, three parameters) in the state dtype."""
    element = x.element_size()
    state = state_bytes(x)
    copy = 0 if x.is_contiguous() else x.numel() * element
    outputs = steps * n * element * (2 if record_mem else 1)
    return copy + outputs + 5 * n * state


def backward(current, mem_init, decay, threshold, graded, grad_spikes, grad_mem,
             grad_mem_final, config: KernelConfig, param_grads: bool = True,
             mem_init_grad: bool = True, linear=None):
    """Returns the gradients of (current, initial membrane, decay, threshold,
    graded factor), None for the initial membrane's unless ``mem_init_grad``
    and for the parameters' unless ``param_grads`` (and for numbers). A
    parameter given as a one-element tensor gets the sum of the per-neuron
    partials. Upstream gradients may be
    None (zero). ``linear=(grad_out, weight)``, in place of grad_spikes,
    gives the spikes' upstream gradient as that of the Linear layer they feed
    (see linear.py)."""
    host = require_host()
    n = neurons_of(current)
    if not config.record_mem:
        grad_mem = None
    threads, debug, seed = _run_args(config)
    steps = num_steps_of(current, config)
    memory.require(
        _backward_bytes(host, current, steps, grad_spikes, grad_mem,
                        threads, debug, linear is not None),
        lambda: f"the backward pass over a layer of {steps} steps x {n} neurons "
                f"({current.dtype})")

    def layer_grad(t):  # an upstream [T, ...] gradient as a [T, N] array
        return None if t is None else _np(t.contiguous()).reshape(steps, -1)

    grads = host.lif_backward(
        _layer_np(current), _arg(mem_init), _arg(decay), _arg(threshold), _arg(graded),
        layer_grad(grad_spikes), layer_grad(grad_mem),
        None if grad_mem_final is None else _np(grad_mem_final.contiguous()).reshape(-1),
        mem_init_grad, param_grads, config.reset_mode, config.reset_delay, config.surrogate,
        config.surrogate_a, config.surrogate_b, threads, debug, seed, config.num_steps,
        *((_np(linear[0]), _np(linear[1])) if linear is not None else ()),
    )
    grad_current = _tensor(grads[0], current.shape)
    grad_mem_init = _tensor(grads[1])
    if not param_grads:
        return grad_current, grad_mem_init, None, None, None

    def reduce_to(grad, param):
        if not isinstance(param, torch.Tensor):
            return None  # a number: no gradient
        grad = torch.from_numpy(grad)
        return grad.sum().reshape(1) if param.numel() == 1 and n != 1 else grad

    return (grad_current, grad_mem_init, reduce_to(grads[2], decay),
            reduce_to(grads[3], threshold), reduce_to(grads[4], graded))


_PLAN_DTYPES = {torch.float16: "half", torch.float32: "float", torch.float64: "double"}


@functools.lru_cache(maxsize=64)
def _runner_bytes(host, steps, n, dtype_name, element, state, threads, debug,
                  through_linear) -> int:
    """What the host runner allocates for a backward call, at most: zeros for
    absent inputs (their own above the shared zero mapping's 16 MiB), the
    initial membrane's gradient when it is not wanted (the vertices write it
    anyway) and every tile's scratch of recomputed membranes, counted for
    two planes (the worst case: the runner keeps one with reset_delay=True;
    through a Linear layer: every thread's block of upstream gradient and
    scratch).
    Cached: a training loop asks for the same few layers at every call."""
    plan = host.host_plan(steps, n, dtype_name, threads, debug)
    zeros = n * (element + state) + n * state
    if through_linear:
        # Each thread's block of the upstream gradient (T x one chunk per
        # vertex worker) and a vertex scratch of its own.
        return zeros + threads * (steps * plan.workers_per_tile * plan.chunk_neurons * element
                                  + plan.backward_scratch_elements * state)
    return zeros + plan.backward_scratch_elements * plan.tiles_used * state


def _backward_bytes(host, current, steps, grad_spikes, grad_mem, threads,
                    debug, through_linear=False) -> int:
    """What a kernel backward call allocates, at most: the current's gradient,
    four per-neuron gradients, contiguous copies of strided upstream
    gradients, and the runner's own buffers (_runner_bytes)."""
    rows, n = current.shape[0], neurons_of(current)
    element = current.element_size()
    state = state_bytes(current)
    total = rows * n * element + 4 * n * state
    for grad in (grad_spikes, grad_mem):
        if grad is not None and not grad.is_contiguous():
            total += grad.numel() * element
    return total + _runner_bytes(host, steps, n, _PLAN_DTYPES[current.dtype], element, state,
                                 threads, debug, through_linear)
