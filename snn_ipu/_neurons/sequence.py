"""Running an snnTorch neuron layer (Leaky, Synaptic, Alpha, Lapicque, and
RLeaky and RSynaptic with one-to-one recurrence) over a whole sequence with
the fused kernels.

Shared by ``snn_ipu.nn``'s neurons (``forward_sequence``) and ``snn_ipu.fuse``.
The layer may be snnTorch's own: its parameters, options and hidden states
are read from it, and its hidden states are updated as its step-by-step loop
would leave them.
"""
from __future__ import annotations

from typing import Callable, NamedTuple, Optional, Tuple

import snntorch as snn
import torch

from .. import ops
from .._warn import warn_at_caller
from .._lif.models import MODELS
from .._lif.recurrences import Conv2dRecurrence, LinearRecurrence
from .hooks import has_hooks
from ..ops import ReferencePathWarning


class NeuronKind(NamedTuple):
    """How one snnTorch neuron class maps onto its op."""

    base: type                            # snnTorch's class
    states: Tuple[str, ...]               # its hidden-state attributes, in the op's order
    op: Callable                          # the snn_ipu.ops function
    params: Callable                      # layer -> the op's parameter arguments
    record_flag: str                      # the op's record argument
    reset_delay: bool                     # whether the op takes reset_delay
    # The states the op returns after the spikes (records or last values);
    # the others (a recurrent neuron's carried spike, "spk") are the
    # spikes' last step.
    outputs: Optional[Tuple[str, ...]] = None
    # A recurrent neuron's parameters with V = 1, for its all-to-all steps
    # (_all_to_all_steps).
    unit_params: Optional[Callable] = None

    @property
    def returned(self) -> Tuple[str, ...]:
        return self.outputs if self.outputs is not None else self.states


# Most derived first: isinstance finds a subclass's own entry.
KINDS = (
    NeuronKind(snn.Leaky, ("mem",), ops.lif,
               lambda layer: (layer.beta, layer.threshold), "record_mem", True),
    NeuronKind(snn.Synaptic, ("syn", "mem"), ops.synaptic,
               lambda layer: (layer.alpha, layer.beta, layer.threshold), "record_state", True),
    NeuronKind(snn.Alpha, ("syn_exc", "syn_inh", "mem"), ops.alpha,
               lambda layer: (layer.alpha, layer.beta, layer.threshold), "record_state", False),
    NeuronKind(snn.Lapicque, ("mem",), ops.lapicque,
               lambda layer: (layer.R, layer.C, layer.time_step, layer.threshold),
               "record_state", False),
    # One-to-one recurrence: V as the layer's recurrence holds it (what its
    # step multiplies by; the same Parameter as layer.V unless reassigned).
    NeuronKind(snn.RLeaky, ("spk", "mem"), ops.rleaky,
               lambda layer: (layer.beta, layer.recurrent.V, layer.threshold),
               "record_state", True, ("mem",),
               lambda layer: (layer.beta, 1.0, layer.threshold)),
    NeuronKind(snn.RSynaptic, ("spk", "syn", "mem"), ops.rsynaptic,
               lambda layer: (layer.alpha, layer.beta, layer.recurrent.V, layer.threshold),
               "record_state", True, ("syn", "mem"),
               lambda layer: (layer.alpha, layer.beta, 1.0, layer.threshold)),
)
FUSED_NEURONS = tuple(kind.base for kind in KINDS)


def kind_of(layer) -> Optional[NeuronKind]:
    """The layer's kind, or None for a neuron the kernels do not fuse."""
    for kind in KINDS:
        if isinstance(layer, kind.base):
            return kind
    return None


def uncovered_reason(layer) -> Optional[str]:
    """Why the kernels cannot run this layer, or None."""
    if layer.inhibition:
        return "inhibition=True (winner-take-all across the batch)"
    if layer.state_quant:
        return "state_quant quantises the states every step"
    return None


def initial_state(layer, name, step_shape) -> Optional[torch.Tensor]:
    """snnTorch continues from a hidden state when its shape is one step's,
    and starts from zeros otherwise (its 'state of another shape becomes
    zeros')."""
    state = getattr(layer, name)
    if isinstance(state, torch.Tensor) and tuple(state.shape) == tuple(step_shape):
        return state
    return None


def run_sequence(layer, input_: torch.Tensor, states=None, *,
                 num_steps: Optional[int] = None, record: bool = True):
    """Run ``layer`` over ``input_`` ([T, ...], or one step's [...] with
    ``num_steps``), as T calls of its forward would.

    ``states`` are explicit initial states, a value or None per hidden state
    (like ``layer(x, syn, mem)``); without them the layer continues from its
    hidden states. Returns ``(spk [T, ...], states)``: the records [T, ...]
    of every state, or with ``record=False`` the states after the last step.
    Leaves the layer's hidden states at their last values, attached to the
    graph.
    """
    kind = kind_of(layer)
    step_shape = input_.shape if num_steps is not None else input_.shape[1:]
    for name, value in zip(kind.states, states or ()):
        if value is not None:
            setattr(layer, name, value)
    reason = uncovered_reason(layer)
    if reason is not None:
        warn_at_caller(f"snn_ipu: {type(layer).__name__} with {reason} runs snnTorch's own "
                       f"step loop", ReferencePathWarning)
        return _step_loop(kind, layer, input_, num_steps, record)

    options = {"spike_grad": layer.spike_grad, "reset_mechanism": layer.reset_mechanism,
               "num_steps": num_steps, kind.record_flag: record}
    if kind.reset_delay:
        options["reset_delay"] = layer.reset_delay
    if kind.base is snn.Leaky:
        options["graded_spikes_factor"] = layer.graded_spikes_factor
    if kind.unit_params is not None and layer.all_to_all:
        return _all_to_all_steps(kind, layer, input_, step_shape, options)
    spk, *second = kind.op(input_, *kind.params(layer),
                           *(initial_state(layer, s, step_shape) for s in kind.states),
                           **options)
    # A record's last step is a view of it: the hidden states get tensors of
    # their own, as in snnTorch's loop (whose record is a stack of copies),
    # so that detach_hidden() can detach them in place and an in-place edit
    # of a returned record does not change them.
    for name, value in zip(kind.returned, second):
        setattr(layer, name, value[-1].clone() if record else value)
    if "spk" in kind.states:
        layer.spk = spk[-1].clone()
    return spk, tuple(second)


def run_leaky_then_linear(layer: snn.Leaky, linear: torch.nn.Linear, input_: torch.Tensor,
                          *, num_steps: Optional[int] = None) -> Optional[torch.Tensor]:
    """``linear`` applied to the spikes of ``layer`` over ``input_``, in one
    node whose backward never forms the spikes' [T, ...] gradient
    (ops.lif_linear). Returns the Linear's output [T, ..., K], leaving
    ``layer.mem`` at the last membrane, or None where that path does not
    apply (the caller then runs the layers one after the other)."""
    if uncovered_reason(layer) is not None:
        return None
    step_shape = input_.shape if num_steps is not None else input_.shape[1:]
    result = ops.lif_linear(
        input_, layer.beta, layer.threshold, initial_state(layer, "mem", step_shape),
        linear.weight, linear.bias, spike_grad=layer.spike_grad,
        reset_mechanism=layer.reset_mechanism, reset_delay=layer.reset_delay,
        graded_spikes_factor=layer.graded_spikes_factor, num_steps=num_steps)
    if result is None:
        return None
    out, layer.mem = result
    return out


def _all_to_all_steps(kind, layer, input_, step_shape, options):
    """A recurrent neuron with all_to_all=True (a Linear or Conv2d over the
    previous spikes feeds every step, so no fusion over time is possible):
    per step, snnTorch's own call of the recurrent layer on the previous
    spikes (its product bitwise snnTorch's), then one step of the fused
    kernel taking that product as the carried spike, with V = 1 (``rec*1``
    is ``rec`` exactly, and its gradient the product's). Returns what
    run_sequence does and leaves the hidden states as it does."""
    num_steps = options.pop("num_steps")
    record = options.pop(kind.record_flag)
    spk, *others = (initial_state(layer, s, step_shape) for s in kind.states)
    recurrence = _recurrence_of(layer.recurrent)
    if recurrence is not None:  # the whole sequence in one autograd node
        model = MODELS[kind.op.__name__]
        result = ops._all_to_all(
            model, input_, kind.unit_params(layer), (*others, spk), recurrence,
            layer.recurrent.weight, layer.recurrent.bias, num_steps=num_steps,
            record=record, **options)
        if result is not None:
            spikes, records, finals = result
            layer.spk = finals[-1]
            for name, value in zip(kind.returned, finals):
                setattr(layer, name, value)
            return spikes, tuple(records) if record else tuple(finals[:-1])
    steps = input_.unbind(0) if num_steps is None else [input_] * num_steps
    if spk is None:  # snnTorch starts from zeros_like(input_)
        spk = torch.zeros(step_shape, dtype=input_.dtype, device=input_.device)
    params = kind.unit_params(layer)
    spikes, records = [], []
    for x in steps:
        out = kind.op(x.unsqueeze(0), *params, layer.recurrent(spk), *others,
                      record_state=False, **options)
        spk, others = out[0][0], list(out[1:])
        spikes.append(spk)
        records.append(others)
    layer.spk = spk.clone()
    for name, value in zip(kind.returned, others):
        setattr(layer, name, value)
    states = tuple(zip(*records))
    return torch.stack(spikes), (tuple(torch.stack(r) for r in states) if record
                                 else tuple(others))


def _recurrence_of(module):
    """The recurrence (_lif/recurrences.py) that computes exactly what
    ``module`` does, or None: a plain nn.Linear, or nn.Conv2d with zero
    padding given as numbers, and no hooks (which one node, never calling
    the module, would skip)."""
    if has_hooks(module):
        return None
    if type(module) is torch.nn.Linear:
        return LinearRecurrence()
    if (type(module) is torch.nn.Conv2d and module.padding_mode == "zeros"
            and not isinstance(module.padding, str)):
        return Conv2dRecurrence(tuple(module.stride), tuple(module.padding),
                                tuple(module.dilation), module.groups)
    return None


def _step_loop(kind, layer, input_, num_steps, record):
    steps = input_.unbind(0) if num_steps is None else [input_] * num_steps
    spikes, records = [], [[] for _ in kind.returned]
    for x in steps:
        for name in kind.states:
            state = getattr(layer, name)
            if not isinstance(state, torch.Tensor) or state.shape != x.shape:
                setattr(layer, name, torch.zeros_like(x))
        out = kind.base.forward(layer, x)
        spikes.append(out[0] if isinstance(out, tuple) else out)
        for record_, name in zip(records, kind.returned):
            record_.append(getattr(layer, name))
    spk = torch.stack(spikes)
    if record:
        return spk, tuple(torch.stack(r) for r in records)
    return spk, tuple(r[-1] for r in records)
