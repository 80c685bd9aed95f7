"""``snn_ipu.nn``: snnTorch's neurons with a fused multi-step call.

``Leaky``, ``Synaptic``, ``Alpha``, ``Lapicque``, ``RLeaky`` and ``RSynaptic``
*are* snnTorch's (same
constructor, same per-step call and numerics; snnTorch utilities such as
``snntorch.utils.reset``, ``detach_hidden`` and ``export_to_nir`` keep
working) and add ``forward_sequence``, which runs a whole ``[T, ...]``
sequence through the fused kernels. ``step_mode="multi"`` makes ``forward``
do that, for use inside ``nn.Sequential``.
"""
from __future__ import annotations

from typing import Optional

import snntorch as snn
import torch

from ._neurons.sequence import kind_of, run_sequence

__all__ = ["Leaky", "Synaptic", "Alpha", "Lapicque", "RLeaky", "RSynaptic"]

_STEP_MODES = ("single", "multi")


class _Sequence:
    """What the fused neurons add to snnTorch's: ``step_mode`` and
    ``forward_sequence``."""

    def _set_step_mode(self, step_mode):
        if step_mode not in _STEP_MODES:
            raise ValueError(f"step_mode: expected 'single' or 'multi', got {step_mode!r}")
        self.step_mode = step_mode

    def forward(self, input_, *states):
        if self.step_mode == "multi":
            return self.forward_sequence(input_, *states)
        return super().forward(input_, *states)

    def forward_sequence(self, input_: torch.Tensor, *states: Optional[torch.Tensor],
                         num_steps: Optional[int] = None):
        """Run the neuron over a sequence ``input_`` of shape ``[T, ...]`` in
        one fused call (or, with ``num_steps``, over one step's current used
        at every step), optionally from explicit initial ``states`` (in the
        order of the per-step call's arguments).

        Returns what T per-step calls would give, stacked over time: the
        spikes and every state's record, or the spikes alone when
        ``init_hidden=True`` and ``output=False``. Continues from, and
        updates, the hidden states as the per-step calls would; like
        snnTorch, passing states with ``init_hidden=True`` is a TypeError.
        """
        names = kind_of(self).states
        if len(states) > len(names):
            raise TypeError(f"forward_sequence: expected at most {len(names)} states "
                            f"({', '.join(names)}), got {len(states)}")
        if self.init_hidden and any(s is not None for s in states):
            raise TypeError(f"`{'` or `'.join(names)}` should not be passed as an argument "
                            f"while `init_hidden=True`")
        spikes_only = self.init_hidden and not self.output
        spk, second = run_sequence(self, input_, states, num_steps=num_steps,
                                   record=not spikes_only)
        return spk if spikes_only else (spk, *second)

    def extra_repr(self) -> str:
        return f"step_mode={self.step_mode!r}"


class Leaky(_Sequence, snn.Leaky):
    """First-order leaky integrate-and-fire neuron, as ``snntorch.Leaky``.

    All of snnTorch's arguments keep their meaning and defaults. Extra:

    :param step_mode: ``"single"`` (default): ``forward`` is snnTorch's
        per-step call. ``"multi"``: ``forward`` takes ``[T, ...]`` and runs
        ``forward_sequence``, which returns ``(spk_rec, mem_rec)``.
    """

    def __init__(self, beta, threshold=1.0, spike_grad=None, surrogate_disable=False,
                 init_hidden=False, inhibition=False, learn_beta=False,
                 learn_threshold=False, reset_mechanism="subtract", state_quant=False,
                 output=False, graded_spikes_factor=1.0, learn_graded_spikes_factor=False,
                 reset_delay=True, step_mode="single"):
        super().__init__(beta, threshold=threshold, spike_grad=spike_grad,
                         surrogate_disable=surrogate_disable, init_hidden=init_hidden,
                         inhibition=inhibition, learn_beta=learn_beta,
                         learn_threshold=learn_threshold, reset_mechanism=reset_mechanism,
                         state_quant=state_quant, output=output,
                         graded_spikes_factor=graded_spikes_factor,
                         learn_graded_spikes_factor=learn_graded_spikes_factor,
                         reset_delay=reset_delay)
        self._set_step_mode(step_mode)


class Synaptic(_Sequence, snn.Synaptic):
    """Second-order (current-based) leaky integrate-and-fire neuron, as
    ``snntorch.Synaptic``; ``forward_sequence`` returns ``(spk_rec, syn_rec,
    mem_rec)``. Extra argument ``step_mode`` as for :class:`Leaky`."""

    def __init__(self, alpha, beta, threshold=1.0, spike_grad=None, surrogate_disable=False,
                 init_hidden=False, inhibition=False, learn_alpha=False, learn_beta=False,
                 learn_threshold=False, reset_mechanism="subtract", state_quant=False,
                 output=False, reset_delay=True, step_mode="single"):
        super().__init__(alpha, beta, threshold=threshold, spike_grad=spike_grad,
                         surrogate_disable=surrogate_disable, init_hidden=init_hidden,
                         inhibition=inhibition, learn_alpha=learn_alpha,
                         learn_beta=learn_beta, learn_threshold=learn_threshold,
                         reset_mechanism=reset_mechanism, state_quant=state_quant,
                         output=output, reset_delay=reset_delay)
        self._set_step_mode(step_mode)


class Alpha(_Sequence, snn.Alpha):
    """Alpha-kernel neuron, as ``snntorch.Alpha``; ``forward_sequence``
    returns ``(spk_rec, syn_exc_rec, syn_inh_rec, mem_rec)``. Extra argument
    ``step_mode`` as for :class:`Leaky`."""

    def __init__(self, alpha, beta, threshold=1.0, spike_grad=None, surrogate_disable=False,
                 init_hidden=False, inhibition=False, learn_alpha=False, learn_beta=False,
                 learn_threshold=False, reset_mechanism="zero", state_quant=False,
                 output=False, step_mode="single"):
        super().__init__(alpha, beta, threshold=threshold, spike_grad=spike_grad,
                         surrogate_disable=surrogate_disable, init_hidden=init_hidden,
                         inhibition=inhibition, learn_alpha=learn_alpha,
                         learn_beta=learn_beta, learn_threshold=learn_threshold,
                         reset_mechanism=reset_mechanism, state_quant=state_quant,
                         output=output)
        self._set_step_mode(step_mode)


class Lapicque(_Sequence, snn.Lapicque):
    """Lapicque's RC neuron, as ``snntorch.Lapicque`` (``beta``, or two of
    ``beta``, ``R`` and ``C``); ``forward_sequence`` returns ``(spk_rec,
    mem_rec)``. Extra argument ``step_mode`` as for :class:`Leaky`."""

    def __init__(self, beta=False, R=False, C=False, time_step=1, threshold=1.0,
                 spike_grad=None, surrogate_disable=False, init_hidden=False,
                 inhibition=False, learn_beta=False, learn_threshold=False,
                 reset_mechanism="subtract", state_quant=False, output=False,
                 step_mode="single"):
        super().__init__(beta=beta, R=R, C=C, time_step=time_step, threshold=threshold,
                         spike_grad=spike_grad, surrogate_disable=surrogate_disable,
                         init_hidden=init_hidden, inhibition=inhibition,
                         learn_beta=learn_beta, learn_threshold=learn_threshold,
                         reset_mechanism=reset_mechanism, state_quant=state_quant,
                         output=output)
        self._set_step_mode(step_mode)


class RLeaky(_Sequence, snn.RLeaky):
    """Recurrent leaky integrate-and-fire neuron, as ``snntorch.RLeaky``;
    ``forward_sequence(input_, spk, mem)`` returns ``(spk_rec, mem_rec)``.
    Extra argument ``step_mode`` as for :class:`Leaky`.

    With ``all_to_all=False`` (one-to-one recurrence through ``V``) the whole
    sequence runs in one fused kernel call. With ``all_to_all=True`` (the
    recurrent ``nn.Linear`` or ``nn.Conv2d``) ``forward_sequence`` runs
    snnTorch's own step loop, with one ReferencePathWarning: the same
    results, not faster.
    """

    def __init__(self, beta, V=1.0, all_to_all=True, linear_features=None,
                 conv2d_channels=None, kernel_size=None, threshold=1.0, spike_grad=None,
                 surrogate_disable=False, init_hidden=False, inhibition=False,
                 learn_beta=False, learn_threshold=False, learn_recurrent=True,
                 reset_mechanism="subtract", state_quant=False, output=False,
                 reset_delay=True, step_mode="single"):
        super().__init__(beta, V=V, all_to_all=all_to_all, linear_features=linear_features,
                         conv2d_channels=conv2d_channels, kernel_size=kernel_size,
                         threshold=threshold, spike_grad=spike_grad,
                         surrogate_disable=surrogate_disable, init_hidden=init_hidden,
                         inhibition=inhibition, learn_beta=learn_beta,
                         learn_threshold=learn_threshold, learn_recurrent=learn_recurrent,
                         reset_mechanism=reset_mechanism, state_quant=state_quant,
                         output=output, reset_delay=reset_delay)
        self._set_step_mode(step_mode)


class RSynaptic(_Sequence, snn.RSynaptic):
    """Recurrent second-order neuron, as ``snntorch.RSynaptic``;
    ``forward_sequence(input_, spk, syn, mem)`` returns ``(spk_rec, syn_rec,
    mem_rec)``. Extra argument ``step_mode`` as for :class:`Leaky`; the
    recurrence kinds as for :class:`RLeaky`.

    ``reset_delay=False`` has no effect in snnTorch 1.0.0's RSynaptic when
    states are passed (and fails when they are not): here it never has one,
    with one warning (ops.NoEffectWarning). Unlike snnTorch's,
    ``RSynaptic.detach_hidden()`` and ``reset_hidden()`` of this class also
    detach and zero the carried spike, as they do for RLeaky (snnTorch's
    leave it attached to the previous graph and keep it: snnTorch issues
    #323, #108).
    """

    def __init__(self, alpha, beta, V=1.0, all_to_all=True, linear_features=None,
                 conv2d_channels=None, kernel_size=None, threshold=1.0, spike_grad=None,
                 surrogate_disable=False, init_hidden=False, inhibition=False,
                 learn_alpha=False, learn_beta=False, learn_threshold=False,
                 learn_recurrent=True, reset_mechanism="subtract", state_quant=False,
                 output=False, reset_delay=True, step_mode="single"):
        super().__init__(alpha, beta, V=V, all_to_all=all_to_all,
                         linear_features=linear_features, conv2d_channels=conv2d_channels,
                         kernel_size=kernel_size, threshold=threshold, spike_grad=spike_grad,
                         surrogate_disable=surrogate_disable, init_hidden=init_hidden,
                         inhibition=inhibition, learn_alpha=learn_alpha,
                         learn_beta=learn_beta, learn_threshold=learn_threshold,
                         learn_recurrent=learn_recurrent, reset_mechanism=reset_mechanism,
                         state_quant=state_quant, output=output, reset_delay=reset_delay)
        self._set_step_mode(step_mode)

    @classmethod
    def detach_hidden(cls):
        """snnTorch's, and the carried spike detached too."""
        super().detach_hidden()
        for layer in cls.instances:
            if isinstance(layer, snn.RSynaptic):
                layer.spk.detach_()

    @classmethod
    def reset_hidden(cls):
        """snnTorch's, and the carried spike zeroed too."""
        super().reset_hidden()
        for layer in cls.instances:
            if isinstance(layer, snn.RSynaptic):
                layer.spk = torch.zeros_like(layer.spk)
