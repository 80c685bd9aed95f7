"""snnTorch's surrogate objects map to the kernels; the rest take the exact
reference path with one warning naming why."""
import warnings

import pytest
import snntorch as snn
import torch

import snn_ipu
from snn_ipu import surrogates
from support.oracle import close_to_round_off, snntorch_lif


@pytest.mark.parametrize("factory,kwargs,expected", [
    (snn.surrogate.atan, {}, ("atan", 0, 2.0, 0.0)),
    (snn.surrogate.atan, {"alpha": 3.0}, ("atan", 0, 3.0, 0.0)),
    (snn.surrogate.fast_sigmoid, {"slope": 10}, ("fast_sigmoid", 1, 10.0, 0.0)),
    (snn.surrogate.sigmoid, {}, ("sigmoid", 2, 25.0, 0.0)),
    (snn.surrogate.straight_through_estimator, {}, ("straight_through_estimator", 3, 0.0, 0.0)),
    (snn.surrogate.heaviside, {}, ("heaviside", 4, 0.0, 0.0)),
    (snn.surrogate.triangular, {"threshold": 0.3}, ("triangular", 5, 0.3, 0.0)),
    (snn.surrogate.spike_rate_escape, {"beta": 2, "slope": 7}, ("spike_rate_escape", 6, 2.0, 7.0)),
    (snn.surrogate.SFS, {"slope": 9, "B": 0.5}, ("SFS", 7, 9.0, 0.5)),
])
def test_snntorch_surrogates_are_recognised(factory, kwargs, expected):
    spec, reason = surrogates.resolve(factory(**kwargs))
    assert reason is None
    assert (spec.name, spec.kernel_id, spec.a, spec.b) == expected


def test_none_is_snntorch_default_atan():
    spec, reason = surrogates.resolve(None)
    assert reason is None and spec.name == "atan" and spec.a == 2.0


def _custom_fast_sigmoid(input_, grad_input, spikes):
    return grad_input / (10 * torch.abs(input_) + 1.0) ** 2


@pytest.mark.parametrize("spike_grad,why", [
    (snn.surrogate.custom_surrogate(_custom_fast_sigmoid), "custom_surrogate"),
    (lambda x: snn.surrogate.ATan.apply(x, 2.0), "not one of snnTorch's surrogates"),
    (snn.surrogate.atan(alpha=torch.tensor(3.0, requires_grad=True)), "not a finite real constant"),
])
def test_uncovered_spike_grad_takes_reference_path_with_one_warning(spike_grad, why):
    cur = (torch.randn(12, 3, 5) + 0.4).requires_grad_()
    with pytest.warns(snn_ipu.ReferencePathWarning, match=why) as record:
        spk, mem = snn_ipu.ops.lif(cur, 0.8, spike_grad=spike_grad)
    assert len(record) == 1
    spk_r, mem_r = snntorch_lif(cur, 0.8, spike_grad=spike_grad)
    assert torch.equal(spk, spk_r) and torch.equal(mem, mem_r)
    g = torch.autograd.grad(spk.sum() + mem.sum(), cur)[0]
    g_r = torch.autograd.grad(spk_r.sum() + mem_r.sum(), cur)[0]
    close_to_round_off(g, g_r)


def test_surrogate_disable_is_named_and_its_zero_gradient_kept():
    """snnTorch's surrogate_disable=True sets spike_grad to its internal
    _surrogate_bypass: the warning names the option, not the function, and
    the spikes pass no gradient, as in snnTorch."""
    ours = snn_ipu.nn.Leaky(beta=0.9, surrogate_disable=True)
    cur = (torch.randn(7, 3, 5) + 0.6).requires_grad_()
    with pytest.warns(snn_ipu.ReferencePathWarning, match="surrogate_disable=True"):
        spk, mem = ours.forward_sequence(cur)
    theirs = snn.Leaky(beta=0.9, surrogate_disable=True)
    spk_r, mem_r = [], []
    for x in cur.unbind(0):
        s, m = theirs(x)
        spk_r.append(s)
        mem_r.append(m)
    spk_r, mem_r = torch.stack(spk_r), torch.stack(mem_r)
    assert torch.equal(spk, spk_r) and torch.equal(mem, mem_r)
    g = torch.autograd.grad(spk.sum() + mem.sum(), cur)[0]
    g_r = torch.autograd.grad(spk_r.sum() + mem_r.sum(), cur)[0]
    close_to_round_off(g, g_r)


def test_reference_path_warnings_point_at_the_users_line():
    """Whether reached directly, through nn.Leaky or through a fused model
    (via torch's module call), the warning names the caller's file."""
    from torch import nn

    cur = torch.rand(5, 3, 4)
    calls = {
        "ops.lif": lambda: snn_ipu.ops.lif(cur, 0.9, spike_grad=lambda v: (v > 0).float()),
        "nn.Leaky": lambda: snn_ipu.nn.Leaky(beta=0.9, inhibition=True).forward_sequence(cur),
        "fuse": lambda: snn_ipu.fuse(nn.Sequential(
            nn.Linear(4, 4), snn.Leaky(beta=0.9, init_hidden=True, inhibition=True)))(cur),
    }
    for name, call in calls.items():
        with pytest.warns(snn_ipu.ReferencePathWarning) as record:
            call()
        ours = [w for w in record if w.category is snn_ipu.ReferencePathWarning]
        assert [w.filename for w in ours] == [__file__], name


def test_stochastic_sso_takes_reference_path():
    cur = torch.randn(6, 4) + 0.5
    with pytest.warns(snn_ipu.ReferencePathWarning, match="SSO"):
        spk, _ = snn_ipu.ops.lif(cur, 0.9, spike_grad=snn.surrogate.SSO())
    spk_r, _ = snntorch_lif(cur, 0.9)
    assert torch.equal(spk, spk_r)  # the forward is the Heaviside step either way


def test_kernel_path_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        snn_ipu.ops.lif(torch.randn(4, 3), 0.9, spike_grad=snn.surrogate.fast_sigmoid())


def test_sigmoid_is_finite_where_snntorch_overflows():
    """snnTorch 1.0.0's sigmoid gradient is NaN for slope*x < -88 (float32
    overflow); the kernel's stable form gives the limit, 0."""
    cur = torch.full((3, 2), -10.0, requires_grad=True)  # U - th = -11 .. -21
    spk, mem = snn_ipu.ops.lif(cur, 0.5, spike_grad=snn.surrogate.sigmoid(slope=25))
    (g,) = torch.autograd.grad((spk * 2).sum() + mem.sum(), cur)
    assert torch.isfinite(g).all()
    # d(sum mem)/dx_t = sum_{k >= t} beta^(k-t): the spikes contribute 0.
    expected = torch.tensor([1.75, 1.5, 1.0]).unsqueeze(1).expand(3, 2)
    assert torch.allclose(g, expected)
