"""snn_ipu.nn.Leaky: an snntorch.Leaky with a fused multi-step call."""
import pytest
import snntorch as snn
import torch
from snntorch import utils
from torch import nn

import snn_ipu
from support.oracle import close_to_round_off
from snn_ipu.nn import Leaky

T, B, N = 12, 4, 33


def _step_loop(layer, cur, mem=None):
    spikes, mems = [], []
    for t in range(cur.shape[0]):
        out = layer(cur[t]) if layer.init_hidden else layer(cur[t], mem)
        if isinstance(out, tuple):
            spk, mem = out
        else:
            spk, mem = out, layer.mem
        spikes.append(spk)
        mems.append(mem)
    return torch.stack(spikes), torch.stack(mems)


def test_is_an_snntorch_leaky_with_identical_steps():
    kwargs = dict(beta=0.8, threshold=0.7, reset_mechanism="zero", graded_spikes_factor=2.0)
    ours, theirs = Leaky(**kwargs), snn.Leaky(**kwargs)
    assert isinstance(ours, snn.Leaky)
    cur = torch.randn(T, B, N) + 0.3
    mem_a = mem_b = torch.zeros(B, N)
    for t in range(T):
        spk_a, mem_a = ours(cur[t], mem_a)
        spk_b, mem_b = theirs(cur[t], mem_b)
        assert torch.equal(spk_a, spk_b) and torch.equal(mem_a, mem_b)
    # snnTorch's quirk: a mem of another shape becomes zeros.
    spk_a, mem_a = ours(cur[0], torch.ones(3))
    spk_b, mem_b = theirs(cur[0], torch.ones(3))
    assert torch.equal(mem_a, mem_b) and torch.equal(mem_a, cur[0])


@pytest.mark.parametrize("reset,delay", [("subtract", True), ("zero", False), ("none", True)])
def test_forward_sequence_equals_step_loop_with_gradients(reset, delay):
    kwargs = dict(beta=torch.rand(N), threshold=torch.rand(N) + 0.5, learn_beta=True,
                  learn_threshold=True, reset_mechanism=reset, reset_delay=delay,
                  spike_grad=snn.surrogate.fast_sigmoid(slope=10))
    torch.manual_seed(1)
    ours = Leaky(**kwargs)
    torch.manual_seed(1)
    theirs = snn.Leaky(**kwargs)
    theirs.load_state_dict(ours.state_dict())
    cur = (torch.randn(T, B, N) + 0.3).requires_grad_()
    mem0 = torch.randn(B, N)
    spk, mem = ours.forward_sequence(cur, mem0)
    spk_r, mem_r = _step_loop(theirs, cur, mem0)
    assert torch.equal(spk, spk_r) and torch.equal(mem, mem_r)
    w = torch.randn(T, B, N)
    loss, loss_r = (spk * w).sum() + mem.sum(), (spk_r * w).sum() + mem_r.sum()
    g = torch.autograd.grad(loss, [cur, ours.beta, ours.threshold])
    g_r = torch.autograd.grad(loss_r, [cur, theirs.beta, theirs.threshold])
    for a, r in zip(g, g_r):
        close_to_round_off(a, r, rel=1e-5)


def test_init_hidden_continues_and_updates_hidden_state():
    ours = Leaky(beta=0.9, init_hidden=True)
    theirs = snn.Leaky(beta=0.9, init_hidden=True)
    cur = torch.randn(2 * T, B, N) + 0.4
    first = ours.forward_sequence(cur[:T])
    second = ours.forward_sequence(cur[T:])  # continues from ours.mem
    spk_r, mem_r = _step_loop(theirs, cur)
    assert torch.equal(torch.cat([first, second]), spk_r)
    assert torch.equal(ours.mem, mem_r[-1])
    utils.reset(nn.Sequential(ours))  # snnTorch's reset reaches our neuron
    assert torch.equal(ours.mem, torch.zeros(B, N))
    with pytest.raises(TypeError, match="init_hidden=True"):
        ours.forward_sequence(cur, torch.zeros(B, N))


def test_output_true_returns_spikes_and_membranes():
    ours = Leaky(beta=0.9, init_hidden=True, output=True)
    theirs = snn.Leaky(beta=0.9, init_hidden=True, output=True)
    cur = torch.randn(T, B, N) + 0.4
    spk, mem = ours.forward_sequence(cur)
    spk_r, mem_r = _step_loop(theirs, cur)
    assert torch.equal(spk, spk_r) and torch.equal(mem, mem_r)


def test_step_mode_multi_in_sequential():
    torch.manual_seed(0)
    fc = nn.Linear(20, N)
    seq = nn.Sequential(fc, Leaky(beta=0.9, init_hidden=True, step_mode="multi"))
    x = torch.randn(T, B, 20)
    spk = seq(x)
    spk_r, _ = _step_loop(snn.Leaky(beta=0.9, init_hidden=True), fc(x))
    assert torch.equal(spk, spk_r)
    with pytest.raises(ValueError, match="step_mode"):
        Leaky(beta=0.9, step_mode="many")


def test_inhibition_runs_snntorch_step_loop_with_warning():
    ours = Leaky(beta=0.9, inhibition=True)
    theirs = snn.Leaky(beta=0.9, inhibition=True)
    cur = torch.randn(T, B, N) + 0.5
    with pytest.warns(snn_ipu.ReferencePathWarning, match="inhibition"):
        spk, mem = ours.forward_sequence(cur, torch.zeros(B, N))
    spk_r, mem_r = _step_loop(theirs, cur, torch.zeros(B, N))
    assert torch.equal(spk, spk_r) and torch.equal(mem, mem_r)


def test_export_to_nir_sees_a_leaky():
    pytest.importorskip("nir", reason="NIR export needs the nir and nirtorch packages")
    pytest.importorskip("nirtorch", reason="NIR export needs the nir and nirtorch packages")
    from snntorch.export_nir import export_to_nir

    def model(leaky_cls):
        # Per-neuron beta and threshold: with scalar ones, snnTorch 1.0.0's
        # export leaves the LIF nodes without a shape and NIR 1.0's type
        # inference rejects the graph (for snn.Leaky just the same).
        torch.manual_seed(0)
        return nn.Sequential(
            nn.Linear(8, 5),
            leaky_cls(beta=torch.full((5,), 0.8), threshold=torch.ones(5), init_hidden=True),
            nn.Linear(5, 2),
            leaky_cls(beta=torch.full((2,), 0.7), threshold=torch.ones(2), init_hidden=True,
                      output=True))

    sample = torch.randn(1, 8)
    ours = export_to_nir(model(Leaky), sample, ignore_dims=[0])
    theirs = export_to_nir(model(snn.Leaky), sample, ignore_dims=[0])
    assert set(ours.nodes) == set(theirs.nodes)
    lif_nodes = [k for k, v in ours.nodes.items() if type(v).__name__ == "LIF"]
    assert len(lif_nodes) == 2
    for key in lif_nodes:
        for field in ("tau", "v_threshold", "r", "v_leak"):
            assert (getattr(ours.nodes[key], field) == getattr(theirs.nodes[key], field)).all()
