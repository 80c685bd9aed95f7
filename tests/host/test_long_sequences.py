"""T = 10,000 steps with few neurons (the backward's per-chunk scratch is
sized by T): results equal snnTorch's Leaky loop bit for bit and gradients
agree to round-off (lif_compare), for a time-varying and a static input."""
import pytest
import torch

from support.lif_compare import check_against_snntorch

T = 10_000


@pytest.mark.parametrize("static,options", [
    (False, dict(surrogate="atan", reset="subtract", delay=True)),
    # beta = 0.99 with the triangular surrogate: one neuron's input gradient
    # grows to inf over the 10,000 steps, as snnTorch's does.
    (True, dict(surrogate="triangular", reset="zero", delay=False, record_mem=False)),
])
def test_ten_thousand_steps_match_snntorch(static, options):
    gen = torch.Generator().manual_seed(11)
    shape = (3,) if static else (T, 3)
    args = {
        "input_": (torch.randn(shape, generator=gen) * 0.6 + 0.3).requires_grad_(),
        "beta": torch.tensor([0.5, 0.9, 0.99], requires_grad=True),
        "threshold": torch.tensor(0.8, requires_grad=True),
        "mem": torch.randn(3, generator=gen).requires_grad_(),
        "graded_spikes_factor": torch.tensor([1.0, 0.5, 2.0], requires_grad=True),
    }
    if static:
        options = dict(options, num_steps=T)
    check_against_snntorch(args, list(args), options)
