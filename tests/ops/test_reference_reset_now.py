"""The reference path's immediate reset (reset_delay=False), which a custom
surrogate takes: equal to snnTorch's Leaky and Synaptic layers for
the subtract and zero resets."""
import pytest
import snntorch as snn
import torch

import snn_ipu
from snn_ipu.ops import ReferencePathWarning


class _Custom(torch.autograd.Function):
    """A surrogate snn_ipu has no kernel for: the reference path runs."""

    @staticmethod
    def forward(ctx, x):
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad


def _spike(x):
    return _Custom.apply(x)


@pytest.mark.parametrize("reset", ["subtract", "zero"])
def test_reference_path_resets_now_as_snntorch(reset):
    gen = torch.Generator().manual_seed(3)
    x = torch.randn(12, 2, 9, generator=gen) * 0.8 + 0.5
    cases = [
        (lambda: snn_ipu.ops.lif(x, 0.9, spike_grad=_spike, reset_mechanism=reset,
                                 reset_delay=False)[1],
         snn.Leaky(0.9, spike_grad=_spike, reset_mechanism=reset, reset_delay=False),
         lambda layer, xt, s: layer(xt, *s), 1),
        (lambda: snn_ipu.ops.synaptic(x, 0.5, 0.9, spike_grad=_spike, reset_mechanism=reset,
                                      reset_delay=False)[2],
         snn.Synaptic(0.5, 0.9, spike_grad=_spike, reset_mechanism=reset, reset_delay=False),
         lambda layer, xt, s: layer(xt, *s), 2),
    ]
    for ours, layer, call, n_states in cases:
        with pytest.warns(ReferencePathWarning):
            mem_ours = ours()
        states = [torch.zeros(x.shape[1:]) for _ in range(n_states)]
        mems = []
        for xt in x:
            _, *states = call(layer, xt, states)
            mems.append(states[-1])
        assert torch.equal(mem_ours, torch.stack(mems))
