"""The fused LIF as a torch.autograd.Function over the host kernels."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import torch
from torch.autograd.function import once_differentiable

from . import _memory, runtime
from ._alloc import empty
from ._backend import require_host


@dataclass(frozen=True)
class KernelConfig:
    reset_mode: int       # 0 subtract, 1 zero, 2 none
    reset_delay: bool
    surrogate: int        # snn_ipu.surrogates.SURROGATE_IDS
    surrogate_a: float
    surrogate_b: float
    num_threads: int
    record_mem: bool = True
    # A static input: current is one [1, N] row used at every one of
    # num_steps steps, and its gradient is summed over them in the kernel.
    num_steps: Optional[int] = None


def _np(t: torch.Tensor):
    return t.detach().numpy()


def _debug_args():
    debug = runtime.debug_enabled()
    return debug, (runtime.next_debug_seed() if debug else 0)


class LifFunction(torch.autograd.Function):
    """Inputs: current [T, N] (float16/32/64, contiguous, CPU); initial
    membrane [N], clamped beta, threshold and graded factor ([1] or [N]), all
    in the state dtype (float32, or float64 for float64 currents).
    With config.num_steps set, current is [1, N] (a static input) and
    T = num_steps. Outputs: spikes [T, N]; the membrane record [T, N] (an
    empty tensor when config.record_mem is False); the final membrane [N] in
    the state dtype."""

    @staticmethod
    def forward(ctx, current, mem_init, decay, threshold, graded, config: KernelConfig):
        host = require_host()
        steps = current.shape[0] if config.num_steps is None else config.num_steps
        layer = (steps, current.shape[1])
        spikes = empty(layer, current.dtype)
        mem = empty(layer, current.dtype) if config.record_mem else current.new_empty(0)
        mem_final = torch.empty_like(mem_init)
        debug, seed = _debug_args()
        host.lif_forward(
            _np(current), _np(mem_init), _np(decay), _np(threshold), _np(graded),
            _np(spikes), _np(mem) if config.record_mem else None, _np(mem_final),
            config.reset_mode, config.reset_delay, config.num_threads, debug, seed,
            config.num_steps,
        )
        if not config.record_mem:
            ctx.mark_non_differentiable(mem)
        ctx.save_for_backward(current, mem_init, decay, threshold, graded)
        ctx.config = config
        ctx.set_materialize_grads(False)
        return spikes, mem, mem_final

    @staticmethod
    @once_differentiable  # the kernel's gradients carry no graph: refuse double backward
    def backward(ctx, grad_spikes, grad_mem, grad_mem_final):
        current, mem_init, decay, threshold, graded = ctx.saved_tensors
        config: KernelConfig = ctx.config
        if not config.record_mem:
            grad_mem = None
        if grad_spikes is None and grad_mem is None and grad_mem_final is None:
            return None, None, None, None, None, None
        host = require_host()
        n = current.shape[1]
        steps = current.shape[0] if config.num_steps is None else config.num_steps
        debug, seed = _debug_args()
        _memory.require(
            _backward_bytes(host, current, steps, mem_init.dtype, grad_spikes, grad_mem,
                            config.num_threads, debug),
            f"the backward pass over a layer of {steps} steps x {n} neurons ({current.dtype})")
        grad_current = empty(current.shape, current.dtype)
        per_neuron = [torch.empty(n, dtype=mem_init.dtype) for _ in range(4)]
        grad_mem_init, grad_decay, grad_threshold, grad_graded = per_neuron
        host.lif_backward(
            _np(current), _np(mem_init), _np(decay), _np(threshold), _np(graded),
            None if grad_spikes is None else _np(grad_spikes.contiguous()),
            None if grad_mem is None else _np(grad_mem.contiguous()),
            None if grad_mem_final is None else _np(grad_mem_final.contiguous()),
            _np(grad_current), _np(grad_mem_init), _np(grad_decay),
            _np(grad_threshold), _np(grad_graded),
            config.reset_mode, config.reset_delay, config.surrogate,
            config.surrogate_a, config.surrogate_b, config.num_threads, debug, seed,
            config.num_steps,
        )

        def reduce_to(grad, param):
            # A parameter shared by all neurons gets the sum of their partials.
            return grad.sum().reshape(1) if param.numel() == 1 and n != 1 else grad

        needs = ctx.needs_input_grad
        return (
            grad_current if needs[0] else None,
            grad_mem_init if needs[1] else None,
            reduce_to(grad_decay, decay) if needs[2] else None,
            reduce_to(grad_threshold, threshold) if needs[3] else None,
            reduce_to(grad_graded, graded) if needs[4] else None,
            None,
        )


_PLAN_DTYPES = {torch.float16: "half", torch.float32: "float", torch.float64: "double"}


def _backward_bytes(host, current, steps, state_dtype, grad_spikes, grad_mem, threads,
                    debug) -> int:
    """What a kernel backward call allocates: the current's gradient, four
    per-neuron gradients, contiguous copies of strided upstream gradients, and
    inside the runner a zero row and zero state (for absent upstream
    gradients) and every tile's scratch of recomputed membranes."""
    rows, n = current.shape
    element = current.element_size()
    state = torch.finfo(state_dtype).bits // 8
    total = rows * n * element + 4 * n * state
    for grad in (grad_spikes, grad_mem):
        if grad is not None and not grad.is_contiguous():
            total += grad.numel() * element
    total += n * (element + state)
    plan = host.host_plan(steps, n, _PLAN_DTYPES[current.dtype], threads, debug)
    return total + plan.backward_scratch_elements * plan.tiles_used * state
