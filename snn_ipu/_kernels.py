"""The host kernels as plain functions of tensors (no autograd).

Both autograd front ends call these: the torch.library custom op
(snn_ipu/_library.py, torch >= 2.4, what torch.compile traces) and the
torch.autograd.Function (snn_ipu/_autograd.py, for eager calls and for older
torch such as PopTorch's 2.0).

Layer tensors: current [T, N] (float16/32/64, contiguous, CPU), or [1, N] for a
static input with num_steps = T; initial membrane [N] and beta, threshold
and graded factor ([1] or [N]) in the state dtype (float32, or float64 for
float64 currents). The kernels clamp beta to [0, 1] themselves (ops.lif also
clamps a beta that needs a gradient, for the clamp's mask).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Optional

import torch

from . import _memory, runtime
from ._alloc import empty
from ._backend import require_host


RESET_NONE = 2


def kernel_reset_delay(reset_mode: int, reset_delay: bool) -> bool:
    """The reset_delay the kernels get: reset "none" ignores it, and only its
    reset_delay=True vertex is instantiated."""
    return True if reset_mode == RESET_NONE else bool(reset_delay)


@dataclass(frozen=True)
class KernelConfig:
    reset_mode: int       # 0 subtract, 1 zero, 2 none
    reset_delay: bool
    surrogate: int        # snn_ipu.surrogates.SURROGATE_IDS
    surrogate_a: float
    surrogate_b: float
    num_threads: int = 0  # 0: torch.get_num_threads() at run time
    record_mem: bool = True
    # A static input: current is one [1, N] row used at every one of
    # num_steps steps, and its gradient is summed over them in the kernel.
    num_steps: Optional[int] = None


def _np(t: torch.Tensor):
    # numpy() refuses tensors that require grad (the autograd inputs); the
    # kernels' own outputs do not, and skip the detach.
    return t.detach().numpy() if t.requires_grad else t.numpy()


def _run_args(config: KernelConfig):
    threads = config.num_threads or runtime.num_threads()
    debug = runtime.debug_enabled()
    return threads, debug, (runtime.next_debug_seed() if debug else 0)


def num_steps_of(current: torch.Tensor, config: KernelConfig) -> int:
    return current.shape[0] if config.num_steps is None else config.num_steps


def forward(current, mem_init, decay, threshold, graded, config: KernelConfig):
    """Returns (spikes [T, N], membrane record [T, N] or an empty tensor when
    not config.record_mem, final membrane [N] in the state dtype)."""
    host = require_host()
    layer = (num_steps_of(current, config), current.shape[1])
    spikes = empty(layer, current.dtype)
    mem = empty(layer, current.dtype) if config.record_mem else current.new_empty(0)
    mem_final = torch.empty_like(mem_init)
    threads, debug, seed = _run_args(config)
    host.lif_forward(
        _np(current), _np(mem_init), _np(decay), _np(threshold), _np(graded),
        _np(spikes), _np(mem) if config.record_mem else None, _np(mem_final),
        config.reset_mode, config.reset_delay, threads, debug, seed, config.num_steps,
    )
    return spikes, mem, mem_final


def forward_bytes(x, steps, n, record_mem) -> int:
    """What a kernel forward call allocates: a contiguous copy of a strided
    input, the spikes (and membrane record), and per-neuron vectors (initial
    and final membrane, three parameters) in the state dtype."""
    element = x.element_size()
    state = 8 if x.dtype == torch.float64 else 4
    copy = 0 if x.is_contiguous() else x.numel() * element
    outputs = steps * n * element * (2 if record_mem else 1)
    return copy + outputs + 5 * n * state


def backward(current, mem_init, decay, threshold, graded, grad_spikes, grad_mem,
             grad_mem_final, config: KernelConfig, param_grads: bool = True,
             linear=None):
    """Returns the gradients of (current, initial membrane, decay, threshold,
    graded factor). A parameter given as one value gets the sum of the
    per-neuron partials. Upstream gradients may be None (zero). With
    ``param_grads=False`` the kernel skips the parameters' gradients, and
    empty tensors stand in for them. ``linear=(grad_out, weight)``, in place
    of grad_spikes, gives the spikes' upstream gradient as that of the Linear
    layer they feed (see snn_ipu._lif_linear)."""
    host = require_host()
    n = current.shape[1]
    if not config.record_mem:
        grad_mem = None
    threads, debug, seed = _run_args(config)
    steps = num_steps_of(current, config)
    _memory.require(
        _backward_bytes(host, current, steps, mem_init.dtype, grad_spikes, grad_mem, threads,
                        debug, linear is not None),
        f"the backward pass over a layer of {steps} steps x {n} neurons ({current.dtype})")
    grad_current = empty(current.shape, current.dtype)
    grad_mem_init = torch.empty(n, dtype=mem_init.dtype)
    grad_decay, grad_threshold, grad_graded = (
        torch.empty(n if param_grads else 0, dtype=mem_init.dtype) for _ in range(3))

    def optional(t):
        return None if t is None else _np(t.contiguous())

    host.lif_backward(
        _np(current), _np(mem_init), _np(decay), _np(threshold), _np(graded),
        optional(grad_spikes), optional(grad_mem), optional(grad_mem_final),
        _np(grad_current), _np(grad_mem_init),
        *((_np(grad_decay), _np(grad_threshold), _np(grad_graded)) if param_grads
          else (None, None, None)),
        config.reset_mode, config.reset_delay, config.surrogate,
        config.surrogate_a, config.surrogate_b, threads, debug, seed, config.num_steps,
        *((_np(linear[0]), _np(linear[1])) if linear is not None else ()),
    )

    def reduce_to(grad, param):
        if not param_grads:
            return grad
        return grad.sum().reshape(1) if param.numel() == 1 and n != 1 else grad

    return (grad_current, grad_mem_init, reduce_to(grad_decay, decay),
            reduce_to(grad_threshold, threshold), reduce_to(grad_graded, graded))


_PLAN_DTYPES = {torch.float16: "half", torch.float32: "float", torch.float64: "double"}


@functools.lru_cache(maxsize=64)
def _host_plan(host, steps, n, dtype_name, threads, debug):
    # A training loop asks for the same few layers at every backward call.
    return host.host_plan(steps, n, dtype_name, threads, debug)


def _backward_bytes(host, current, steps, state_dtype, grad_spikes, grad_mem, threads,
                    debug, through_linear=False) -> int:
    """What a kernel backward call allocates, at most: the current's gradient,
    four per-neuron gradients, contiguous copies of strided upstream gradients, and
    inside the runner a zero row and zero state (for absent upstream
    gradients) and every tile's scratch of recomputed membranes (through a
    Linear layer: every thread's block of upstream gradient and scratch)."""
    rows, n = current.shape
    element = current.element_size()
    state = torch.finfo(state_dtype).bits // 8
    total = rows * n * element + 4 * n * state
    for grad in (grad_spikes, grad_mem):
        if grad is not None and not grad.is_contiguous():
            total += grad.numel() * element
    total += n * (element + state)
    plan = _host_plan(host, steps, n, _PLAN_DTYPES[current.dtype], threads, debug)
    if through_linear:
        # Each thread's block of the upstream gradient (T x one chunk per
        # vertex worker) and a vertex scratch of its own.
        return total + threads * (steps * plan.workers_per_tile * plan.chunk_neurons * element
                                  + plan.backward_scratch_elements * state)
    return total + plan.backward_scratch_elements * plan.tiles_used * state
