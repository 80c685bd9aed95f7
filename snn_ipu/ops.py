"""``snn_ipu.ops``: snnTorch's neurons over all time steps, each layer in one
fused kernel call: ``lif`` (Leaky), ``synaptic``, ``alpha``, ``lapicque``,
``rleaky`` and ``rsynaptic`` (one-to-one recurrence), and ``lif_linear`` (a Leaky layer with the Linear layer its spikes feed).

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
from ._lif import derived, front_end, poptorch, reference
from ._lif.checks import check_call, check_params
from ._lif.config import param_tensors
from ._lif.models import ALPHA, LAPICQUE, LEAKY, RLEAKY, RSYNAPTIC, SYNAPTIC
from ._warn import warn_at_caller

__all__ = ["lif", "synaptic", "alpha", "lapicque", "rleaky", "rsynaptic", "lif_linear",
           "ReferencePathWarning", "NoEffectWarning"]


class ReferencePathWarning(UserWarning):
    """An ``snn_ipu.ops`` neuron ran the exact PyTorch reference instead of the kernels."""


class NoEffectWarning(UserWarning):
    """An option that has no effect in snnTorch 1.0.0, and so none here."""


def _layer(model, op, input_, params, states, *, spike_grad, reset_mechanism, reset_delay,
           record, num_steps, num_threads, record_name="record_state", finite=()):
    """A layer of ``model`` wherever it can run (see the module's docstring):
    (spikes, the records as a tuple, or None without ``record``, the final
    states as a tuple). ``params`` and ``states`` are in the model's order;
    ``op`` names the public function in messages."""
    call = check_call(model, input_, params, states, spike_grad, reset_mechanism,
                      reset_delay, record, num_steps, num_threads, record_name, finite)
    x, reason = call.x, call.reason
    if reason is None and x.numel() > 0 and _ipu.is_tracing():  # PopTorch: the PopART op
        return poptorch.run(model, x, call.states, param_tensors(call.params, x),
                            call.reset_mode, reset_delay, call.spec, record, call.num_steps)
    if reason is None and x.device.type != "cpu":
        reason = f"input_ is on {x.device}; the host kernels run on CPU tensors"
    if reason is None and _host is None:
        reason = missing_host_reason()
    if reason is None and x.numel() > 0:
        return front_end.run_kernels(model, x, call.states, call.params, call.reset_mode,
                                     reset_delay, call.spec, call.threads, record,
                                     call.num_steps)
    if reason is not None:
        warn_at_caller(f"snn_ipu.ops.{op}: {reason}; running the exact PyTorch reference "
                       f"path (slower)", ReferencePathWarning)
    spikes, records, finals = reference.run(model, x, call.states, call.params,
                                            reset_mechanism, reset_delay, spike_grad,
                                            call.num_steps)
    return spikes, records if record else None, finals


def _from_bfloat16(input_):
    """bfloat16 currents (what a Linear gives under CPU autocast) have no
    kernels: they run as float32, and the outputs are rounded back
    (_rounded). Returns the current to run and whether it was bfloat16."""
    if isinstance(input_, torch.Tensor) and input_.dtype == torch.bfloat16:
        return input_.float(), True
    return input_, False


def _rounded(outputs, to_bfloat16):
    return tuple(o.to(torch.bfloat16) for o in outputs) if to_bfloat16 else outputs


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
    input_, to_bfloat16 = _from_bfloat16(input_)
    spikes, records, finals = _layer(
        LEAKY, "lif", input_, (beta, threshold, graded_spikes_factor), (mem,),
        spike_grad=spike_grad, reset_mechanism=reset_mechanism, reset_delay=reset_delay,
        record=record_mem, num_steps=num_steps, num_threads=num_threads,
        record_name="record_mem", finite=("beta",))
    return _rounded((spikes, records[0] if record_mem else finals[0]), to_bfloat16)


def synaptic(input_: torch.Tensor, alpha, beta, threshold=1.0,
             syn: Optional[torch.Tensor] = None, mem: Optional[torch.Tensor] = None, *,
             spike_grad=None, reset_mechanism: str = "subtract", reset_delay: bool = True,
             record_state: bool = True, num_steps: Optional[int] = None,
             num_threads: Optional[int] = None):
    """snnTorch's second-order ``Synaptic`` neuron over all time steps, as a
    time loop of ``snntorch.Synaptic`` would compute it, in one fused kernel
    call: ``syn = alpha*syn + x``, ``mem = beta*mem + syn``, then the reset
    and the spike (snnTorch's operations in its order; its zero reset clears
    the new membrane, not the synaptic current).

    Args are those of :func:`lif`, with ``alpha`` the synaptic current's
    decay (clamped to [0, 1]; finite, number or broadcastable tensor), ``syn``
    and ``mem`` the initial states (zeros if omitted), and ``record_state``
    in place of ``record_mem``; there is no graded spike factor.

    Returns:
        ``(spk, syn_rec, mem_rec)`` shaped like ``input_``, or with
        ``record_state=False`` ``(spk, syn_last, mem_last)``, the states after
        the last step. Gradients flow to ``input_``, ``syn``, ``mem``,
        ``alpha``, ``beta`` and ``threshold``.
    """
    input_, to_bfloat16 = _from_bfloat16(input_)
    spikes, records, finals = _layer(
        SYNAPTIC, "synaptic", input_, (alpha, beta, threshold), (syn, mem),
        spike_grad=spike_grad, reset_mechanism=reset_mechanism, reset_delay=reset_delay,
        record=record_state, num_steps=num_steps, num_threads=num_threads,
        finite=("alpha", "beta"))
    return _rounded((spikes, *(records if record_state else finals)), to_bfloat16)


def alpha(input_: torch.Tensor, alpha, beta, threshold=1.0,
          syn_exc: Optional[torch.Tensor] = None, syn_inh: Optional[torch.Tensor] = None,
          mem: Optional[torch.Tensor] = None, *, spike_grad=None,
          reset_mechanism: str = "zero", record_state: bool = True,
          num_steps: Optional[int] = None, num_threads: Optional[int] = None):
    """snnTorch's ``Alpha`` neuron over all time steps, as a time loop of
    ``snntorch.Alpha`` would compute it, in one fused kernel call: an
    excitatory current decaying with ``alpha``, an inhibitory one decaying
    with ``beta``, and the membrane ``tau * (syn_exc + syn_inh)`` with
    ``tau = log(alpha) / (log(beta) - log(alpha)) + 1`` (snnTorch's
    operations in its order).

    ``alpha`` and ``beta`` are clamped to [0, 1] and must be finite, with
    ``alpha > beta`` and ``beta != 1`` (as snnTorch requires); ``syn_exc``,
    ``syn_inh`` and ``mem`` are the initial states (zeros if omitted; the
    membrane is not recurrent: the initial one only sets the first step's
    reset). The reset defaults to ``"zero"``, as in snnTorch, and there is no
    reset_delay. Other arguments as :func:`synaptic`.

    Returns:
        ``(spk, syn_exc_rec, syn_inh_rec, mem_rec)``, or with
        ``record_state=False`` the states after the last step. Gradients flow
        to ``input_``, ``syn_exc``, ``syn_inh``, ``alpha``, ``beta`` and
        ``threshold`` (none to ``mem``, which only sets the detached reset).
    """
    input_, to_bfloat16 = _from_bfloat16(input_)
    decays = check_params(input_, num_steps, (("alpha", alpha), ("beta", beta)),
                          finite=("alpha", "beta"))
    tau = derived.alpha_tau(*decays, input_)
    spikes, records, finals = _layer(
        ALPHA, "alpha", input_, (decays[0], decays[1], tau, threshold),
        (syn_exc, syn_inh, mem), spike_grad=spike_grad, reset_mechanism=reset_mechanism,
        reset_delay=True, record=record_state, num_steps=num_steps, num_threads=num_threads,
        finite=("alpha", "beta"))
    return _rounded((spikes, *(records if record_state else finals)), to_bfloat16)


def lapicque(input_: torch.Tensor, R, C, time_step=1.0, threshold=1.0,
             mem: Optional[torch.Tensor] = None, *, spike_grad=None,
             reset_mechanism: str = "subtract", record_state: bool = True,
             num_steps: Optional[int] = None, num_threads: Optional[int] = None):
    """snnTorch's ``Lapicque`` (RC) neuron over all time steps, as a time loop
    of ``snntorch.Lapicque`` would compute it, in one fused kernel call:
    ``mem = x*R*(1/(R*C))*time_step + (1 - time_step/(R*C))*mem``, then the
    reset and the spike (snnTorch's operations in its order).

    ``R``, ``C`` and ``time_step`` are numbers or tensors (one value, or
    broadcastable to one step), taken as snnTorch takes them (numbers through
    ``torch.as_tensor``); ``mem`` is the initial membrane (zeros if omitted).
    There is no reset_delay. Other arguments as :func:`synaptic`.

    Returns:
        ``(spk, mem_rec)``, or with ``record_state=False`` ``(spk,
        mem_last)``. Gradients flow to ``input_``, ``mem``, ``R``, ``C``,
        ``time_step`` and ``threshold``.
    """
    input_, to_bfloat16 = _from_bfloat16(input_)
    for name, value in (("R", R), ("C", C), ("time_step", time_step)):
        _check_constant(name, value)
    step_dims = (input_.dim() - (num_steps is None)
                 if isinstance(input_, torch.Tensor) else 0)
    constants = derived.lapicque_constants(R, C, time_step, input_, step_dims)
    spikes, records, finals = _layer(
        LAPICQUE, "lapicque", input_, (*constants, threshold),
        (mem,), spike_grad=spike_grad, reset_mechanism=reset_mechanism, reset_delay=True,
        record=record_state, num_steps=num_steps, num_threads=num_threads)
    return _rounded((spikes, *(records if record_state else finals)), to_bfloat16)


def rleaky(input_: torch.Tensor, beta, V, threshold=1.0, spk: Optional[torch.Tensor] = None,
           mem: Optional[torch.Tensor] = None, *, spike_grad=None,
           reset_mechanism: str = "subtract", reset_delay: bool = True,
           record_state: bool = True, num_steps: Optional[int] = None,
           num_threads: Optional[int] = None):
    """snnTorch's recurrent ``RLeaky`` with one-to-one recurrence
    (``all_to_all=False``) over all time steps, as a time loop of
    ``snntorch.RLeaky`` would compute it, in one fused kernel call:
    ``mem = (beta*mem + x) + spk*V``, then the reset and the spike
    (snnTorch's operations in its order). The spike fed back is the previous
    step's output spike, with its surrogate gradient (not detached).

    Args are those of :func:`synaptic`, with ``V`` the recurrent weight (a
    number or a tensor broadcastable to one step: one weight, or one per
    neuron; not clamped), ``spk`` and ``mem`` the initial spike and membrane
    (zeros if omitted). All-to-all recurrence (a Linear or Conv2d over the
    spikes) is ``snn_ipu.nn.RLeaky``'s.

    Returns:
        ``(spk, mem_rec)`` shaped like ``input_``, or with
        ``record_state=False`` ``(spk, mem_last)``; the spike state after the
        last step is ``spk[-1]``. Gradients flow to ``input_``, ``spk``,
        ``mem``, ``beta``, ``V`` and ``threshold``.
    """
    input_, to_bfloat16 = _from_bfloat16(input_)
    spikes, records, finals = _layer(
        RLEAKY, "rleaky", input_, (beta, V, threshold), (mem, spk),
        spike_grad=spike_grad, reset_mechanism=reset_mechanism, reset_delay=reset_delay,
        record=record_state, num_steps=num_steps, num_threads=num_threads,
        finite=("beta",))
    return _rounded((spikes, records[0] if record_state else finals[0]), to_bfloat16)


_warned_rsynaptic_reset_delay = False


def _rsynaptic_reset_delay(reset_delay):
    """RSynaptic's reset_delay as the kernels take it: False has no effect
    in snnTorch 1.0.0 (warned once) and runs as True; other values pass on to
    the checks."""
    global _warned_rsynaptic_reset_delay
    if reset_delay is not False:
        return reset_delay
    if not _warned_rsynaptic_reset_delay:
        _warned_rsynaptic_reset_delay = True
        warn_at_caller("snn_ipu.ops.rsynaptic: reset_delay=False has no effect in snnTorch "
                       "1.0.0's RSynaptic (its correction writes a local variable); the "
                       "results are those of reset_delay=True, as snnTorch's",
                       NoEffectWarning)
    return True


def rsynaptic(input_: torch.Tensor, alpha, beta, V, threshold=1.0,
              spk: Optional[torch.Tensor] = None, syn: Optional[torch.Tensor] = None,
              mem: Optional[torch.Tensor] = None, *, spike_grad=None,
              reset_mechanism: str = "subtract", reset_delay: bool = True,
              record_state: bool = True, num_steps: Optional[int] = None,
              num_threads: Optional[int] = None):
    """snnTorch's recurrent ``RSynaptic`` with one-to-one recurrence
    (``all_to_all=False``) over all time steps, as a time loop of
    ``snntorch.RSynaptic`` would compute it, in one fused kernel call:
    ``syn = (alpha*syn + x) + spk*V``, ``mem = beta*mem + syn``, then the
    reset and the spike (snnTorch's operations in its order; its zero reset
    clears the new membrane, not the synaptic current).

    ``reset_delay=False`` has no effect in snnTorch 1.0.0 (its correction
    writes a local variable): the results are those of ``reset_delay=True``,
    as snnTorch's, with one :class:`NoEffectWarning`. Other arguments as
    :func:`rleaky`, with ``alpha`` the synaptic current's decay (clamped to
    [0, 1]) and ``syn`` the initial synaptic current.

    Returns:
        ``(spk, syn_rec, mem_rec)`` shaped like ``input_``, or with
        ``record_state=False`` ``(spk, syn_last, mem_last)``. Gradients flow
        to ``input_``, ``spk``, ``syn``, ``mem``, ``alpha``, ``beta``, ``V``
        and ``threshold``.
    """
    input_, to_bfloat16 = _from_bfloat16(input_)
    spikes, records, finals = _layer(
        RSYNAPTIC, "rsynaptic", input_, (alpha, beta, V, threshold), (syn, mem, spk),
        spike_grad=spike_grad, reset_mechanism=reset_mechanism,
        reset_delay=_rsynaptic_reset_delay(reset_delay),
        record=record_state, num_steps=num_steps, num_threads=num_threads,
        finite=("alpha", "beta"))
    return _rounded((spikes, *(records if record_state else finals[:2])), to_bfloat16)


def _check_constant(name, value):
    """A Lapicque constant: a number or a tensor (snnTorch takes numbers
    through torch.as_tensor, derived.py)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, torch.Tensor)):
        raise TypeError(f"{name}: expected a number or a tensor, got {type(value).__name__}")


def _all_to_all(model, input_, params, states, recurrence, weight, bias, *, spike_grad,
                reset_mechanism, reset_delay, record, num_steps):
    """A layer of ``model`` (RLeaky or RSynaptic, its parameters with V = 1,
    its states in its order, the carried spike last) whose carried spike is
    ``recurrence``'s product (_lif/recurrences.py) of the previous spikes
    with ``weight`` and ``bias``, in one autograd node (_lif/recurrent.py):
    (spikes, the records or None, the final states), or None where that path
    does not apply (the caller then runs the steps one by one): not float32
    on CPU, no kernels for the options, a weight whose product does not have
    the step's shape, PopTorch tracing, torch.compile or CPU autocast."""
    if not isinstance(weight, torch.Tensor) or (bias is not None
                                                and not isinstance(bias, torch.Tensor)):
        return None
    if model is RSYNAPTIC:
        reset_delay = _rsynaptic_reset_delay(reset_delay)
    call = check_call(model, input_, params, states, spike_grad, reset_mechanism,
                      reset_delay, record, num_steps, None, finite=model.clamped)
    x = call.x
    applies = (call.reason is None and _host is not None and x.device.type == "cpu"
               and x.dtype == torch.float32 and x.numel() > 0 and x.dim() >= 2
               and recurrence.fits(weight, x.shape[1:])
               and weight.dtype == torch.float32 and weight.device.type == "cpu"
               and (bias is None or (bias.dtype == torch.float32 and bias.device.type == "cpu"))
               and not _ipu.is_tracing() and not compiling() and not autocast_cpu())
    if not applies:
        return None
    return front_end.run_kernels(model, x, call.states, call.params, call.reset_mode,
                                 reset_delay, call.spec, call.threads, record, call.num_steps,
                                 recurrent=(recurrence, weight, bias))


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
    call = check_call(LEAKY, input_, (beta, threshold, graded_spikes_factor), (mem,),
                      spike_grad, reset_mechanism, reset_delay, False, num_steps, None,
                      finite=("beta",))
    x = call.x
    if not isinstance(weight, torch.Tensor):
        raise TypeError(f"weight: expected a torch.Tensor [K, in], got {type(weight).__name__}")
    if bias is not None and not isinstance(bias, torch.Tensor):
        raise TypeError(f"bias: expected None or a torch.Tensor [K], got {type(bias).__name__}")
    applies = (call.reason is None and _host is not None and x.device.type == "cpu"
               and x.dtype == torch.float32 and x.numel() > 0 and x.dim() >= 3
               and weight.dim() == 2 and weight.dtype == torch.float32
               and weight.device.type == "cpu" and x.shape[-1] == weight.shape[1]
               and 1 <= weight.shape[0] <= LIF_LINEAR_MAX_OUTPUTS
               and (bias is None or (bias.dtype == torch.float32 and bias.device.type == "cpu"))
               and not _ipu.is_tracing() and not compiling() and not autocast_cpu())
    if not applies:
        return None
    return front_end.run_kernels(LEAKY, x, call.states, call.params, call.reset_mode,
                                 reset_delay, call.spec, call.threads, False, call.num_steps,
                                 linear=(weight, bias))
