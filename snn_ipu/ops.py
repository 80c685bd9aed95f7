"""``snn_ipu.ops``: the fused leaky integrate-and-fire neuron over all time
steps (``lif``), and with the Linear layer its spikes feed (``lif_linear``).

Each call is checked (snn_ipu/_lif/checks.py), then runs where it can: as one
PopART op while PopTorch traces for the IPU (_lif/poptorch.py), on the host
kernels (_lif/front_end.py), or, for what the kernels do not cover, on the
exact PyTorch reference (_lif/reference.py) with one ReferencePathWarning.
"""
from __future__ import annotations

from typing import Optional

import torch

from ._backends import ipu as _ipu
from ._backends.host import host as _host
from ._backends.host import missing_host_reason
from ._compat import autocast_cpu, compiling
from ._lif import front_end, poptorch, reference
from ._lif.checks import check_call
from ._lif.config import param_tensors
from ._warn import warn_at_caller

__all__ = ["lif", "lif_linear", "ReferencePathWarning"]


class ReferencePathWarning(UserWarning):
    """``snn_ipu.ops.lif`` ran the exact PyTorch reference instead of the kernels."""


def lif(input_: torch.Tensor, beta, threshold=1.0, mem: Optional[torch.Tensor] = None, *,
        spike_grad=None, reset_mechanism: str = "subtract", reset_delay: bool = True,
        graded_spikes_factor=1.0, record_mem: bool = True,
        num_steps: Optional[int] = None, num_threads: Optional[int] = None):
    """Leaky integrate-and-fire over all time steps, as a time loop of
    ``snntorch.Leaky`` would compute it, in one fused kernel call.

    Args:
        input_: input current ``[T, *neurons]`` (float16, float32 or float64;
            bfloat16, as CPU autocast makes, runs as float32).
        beta: membrane decay, clamped to [0, 1]; a number or a tensor
            broadcastable to one time step's shape ``input_.shape[1:]``
            (``input_.shape`` with ``num_steps``).
        threshold: firing threshold; number or broadcastable tensor.
        mem: initial membrane, broadcastable to one step; zeros if omitted.
        spike_grad: an ``snntorch.surrogate`` object (``atan(alpha=2.0)``,
            ``fast_sigmoid(slope=25)``, ...); ``None`` is snnTorch's default,
            atan with alpha 2. Others run the exact PyTorch reference path,
            with a :class:`ReferencePathWarning` naming why.
        reset_mechanism: ``"subtract"``, ``"zero"`` or ``"none"``.
        reset_delay: as ``snntorch.Leaky``; ``False`` resets in the step that
            fires.
        graded_spikes_factor: spikes are scaled by it; number or tensor.
        record_mem: ``False`` skips the membrane record (one [T, ...] tensor
            less to write and hold; backward recomputes what it needs) and
            returns the final membrane instead.
        num_steps: for a static input (the same current at every step, as in
            direct encoding): ``input_`` is one step's current ``[...]`` and
            the outputs have ``num_steps`` steps. The kernel reads it once per
            step and sums its gradient over time; nothing is expanded.
        num_threads: host threads; default ``torch.get_num_threads()``.

    Returns:
        ``(spk, mem_rec)``, both shaped like ``input_`` (``[num_steps,
        *input_.shape]`` for a static input); with
        ``record_mem=False``, ``(spk, mem_last)`` where ``mem_last`` is the
        membrane after the last step, shaped like one step. Gradients flow to
        ``input_``, ``mem``, ``beta``, ``threshold`` and
        ``graded_spikes_factor`` (surrogate gradient through the spikes, the
        reset signal detached, as in snnTorch).

    float16 currents run with the membrane carried in float32 and parameters
    in float32; float64 runs in float64. The outputs have the input's dtype:
    tensor parameters and ``mem`` are converted to its state dtype (where
    snnTorch would promote: a float64 beta with a float32 input gives it
    float64 outputs, and its float32 buffers turn float16 inputs' outputs
    float32). bfloat16 currents (what a Linear gives under CPU autocast) have
    no kernels: they run as float32 and the outputs are rounded to bfloat16.
    """
    if isinstance(input_, torch.Tensor) and input_.dtype == torch.bfloat16:
        spk, second = lif(input_.float(), beta, threshold, mem, spike_grad=spike_grad,
                          reset_mechanism=reset_mechanism, reset_delay=reset_delay,
                          graded_spikes_factor=graded_spikes_factor, record_mem=record_mem,
                          num_steps=num_steps, num_threads=num_threads)
        return spk.to(torch.bfloat16), second.to(torch.bfloat16)
    (x, num_steps, beta_t, threshold_t, graded_t, mem_t, reset_mode, threads, spec,
     reason) = check_call(input_, beta, threshold, mem, spike_grad, reset_mechanism,
                          reset_delay, graded_spikes_factor, record_mem, num_steps,
                          num_threads)
    if reason is None and x.numel() > 0 and _ipu.is_tracing():  # PopTorch: the PopART op
        beta_t, threshold_t, graded_t = param_tensors((beta_t, threshold_t, graded_t), x)
        return poptorch.lif(x, beta_t, threshold_t, graded_t, mem_t, reset_mode, reset_delay,
                            spec, record_mem, num_steps)
    if reason is None and x.device.type != "cpu":
        reason = f"input_ is on {x.device}; the host kernels run on CPU tensors"
    if reason is None and _host is None:
        reason = missing_host_reason()
    if reason is None and x.numel() > 0:
        return front_end.run_kernels(x, beta_t, threshold_t, graded_t, mem_t, reset_mode,
                                     reset_delay, spec, threads, record_mem, num_steps)
    if reason is not None:
        warn_at_caller(f"snn_ipu.ops.lif: {reason}; running the exact PyTorch reference "
                       f"path (slower)", ReferencePathWarning)
    return reference.run(x, beta_t, threshold_t, graded_t, mem_t, reset_mechanism,
                         reset_delay, spike_grad, record_mem, num_steps)


# The largest Linear output (K) lif_linear folds into the LIF backward: it
# forms the spikes' upstream gradient with K multiply-adds per element, in
# cache, instead of reading a [T, N] tensor a matmul wrote; the cost grows
# with K while the saving does not (benchmarks/RESULTS.md, "Tuning constants").
LIF_LINEAR_MAX_OUTPUTS = 32


def lif_linear(input_: torch.Tensor, beta, threshold, mem, weight: torch.Tensor,
               bias: Optional[torch.Tensor], *, spike_grad=None,
               reset_mechanism: str = "subtract", reset_delay: bool = True,
               graded_spikes_factor=1.0, num_steps: Optional[int] = None):
    """``torch.nn.functional.linear(lif(...)[0], weight, bias)`` with the
    membrane after the last step, in one autograd node whose backward forms
    the spikes' gradient from the Linear's output gradient block by block
    instead of as a [T, ...] tensor. What ``snn_ipu.fuse`` runs for a Leaky
    followed by a small Linear (float32, CPU, training).

    Returns ``(out, mem_last)``: ``out`` is ``[T, ..., K]`` (the Linear over
    the last dimension of the spikes), bitwise what the two calls give;
    gradients equal theirs to round-off. Returns None where this path does not
    apply (the caller then runs the two calls): not float32 on CPU, no host
    backend or no kernels for the options, an input of fewer than 3
    dimensions ([T, rows, in]; [rows, in] with num_steps), a weight whose
    width is not the input's last dimension, a Linear of 0 or more than
    LIF_LINEAR_MAX_OUTPUTS outputs, CPU autocast, PopTorch tracing or
    torch.compile.
    """
    if isinstance(input_, torch.Tensor) and input_.dtype == torch.bfloat16:
        return None  # float32 only; lif runs bfloat16 as float32
    (x, num_steps, beta_t, threshold_t, graded_t, mem_t, reset_mode, threads, spec,
     reason) = check_call(input_, beta, threshold, mem, spike_grad, reset_mechanism,
                          reset_delay, graded_spikes_factor, False, num_steps, None)
    if not isinstance(weight, torch.Tensor):
        raise TypeError(f"weight: expected a torch.Tensor [K, in], got {type(weight).__name__}")
    if bias is not None and not isinstance(bias, torch.Tensor):
        raise TypeError(f"bias: expected None or a torch.Tensor [K], got {type(bias).__name__}")
    applies = (reason is None and _host is not None and x.device.type == "cpu"
               and x.dtype == torch.float32 and x.numel() > 0 and x.dim() >= 3
               and weight.dim() == 2 and weight.dtype == torch.float32
               and weight.device.type == "cpu" and x.shape[-1] == weight.shape[1]
               and 1 <= weight.shape[0] <= LIF_LINEAR_MAX_OUTPUTS
               and (bias is None or (bias.dtype == torch.float32 and bias.device.type == "cpu"))
               and not _ipu.is_tracing() and not compiling() and not autocast_cpu())
    if not applies:
        return None
    return front_end.run_kernels(x, beta_t, threshold_t, graded_t, mem_t, reset_mode,
                                 reset_delay, spec, threads, False, num_steps,
                                 linear=(weight, bias))
