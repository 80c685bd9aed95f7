"""``snn_ipu.nn.Leaky``: snnTorch's ``Leaky`` with a fused multi-step call.

It *is* an ``snntorch.Leaky`` (same constructor, same per-step call and
numerics, snnTorch utilities such as ``snntorch.utils.reset`` and
``export_to_nir`` keep working), and adds ``forward_sequence``, which runs a
whole ``[T, ...]`` sequence through the fused kernel. ``step_mode="multi"``
makes ``forward`` do that, for use inside ``nn.Sequential``.
"""
from __future__ import annotations

from typing import Optional

import snntorch as snn
import torch

from ._neurons.leaky import run_leaky_sequence

__all__ = ["Leaky"]

_STEP_MODES = ("single", "multi")


class Leaky(snn.Leaky):
    """First-order leaky integrate-and-fire neuron, as ``snntorch.Leaky``.

    All of snnTorch's arguments keep their meaning and defaults. Extra:

    :param step_mode: ``"single"`` (default): ``forward`` is snnTorch's
        per-step call. ``"multi"``: ``forward`` takes ``[T, ...]`` and runs
        ``forward_sequence``.
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
        if step_mode not in _STEP_MODES:
            raise ValueError(f"step_mode: expected 'single' or 'multi', got {step_mode!r}")
        self.step_mode = step_mode

    def forward(self, input_, mem=None):
        if self.step_mode == "multi":
            return self.forward_sequence(input_, mem)
        return super().forward(input_, mem)

    def forward_sequence(self, input_: torch.Tensor, mem: Optional[torch.Tensor] = None, *,
                         num_steps: Optional[int] = None):
        """Run the neuron over a sequence ``input_`` of shape ``[T, ...]`` in
        one fused call (or, with ``num_steps``, over one step's current used
        at every step).

        Returns what T per-step calls would give, stacked over time:
        ``(spk_rec, mem_rec)``, or ``spk_rec`` alone when ``init_hidden=True``
        and ``output=False``. Continues from, and updates, the hidden state
        (``self.mem``) as the per-step calls would; like snnTorch, passing
        ``mem`` with ``init_hidden=True`` is a TypeError.
        """
        if self.init_hidden and mem is not None:
            raise TypeError("`mem` should not be passed as an argument while `init_hidden=True`")
        spikes_only = self.init_hidden and not self.output
        spk, second = run_leaky_sequence(self, input_, mem, num_steps=num_steps,
                                         record_mem=not spikes_only)
        return spk if spikes_only else (spk, second)

    def extra_repr(self) -> str:
        return f"step_mode={self.step_mode!r}"
