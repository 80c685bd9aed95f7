"""snn_ipu.nn.RLeaky and RSynaptic: snnTorch's recurrent neurons with a fused
multi-step call (one-to-one recurrence) or fused steps around snnTorch's own
recurrent layer (all-to-all), against snnTorch's layers run step by step."""
import warnings

import pytest
import snntorch as snn
import torch
from snntorch import utils
from torch import nn

import snn_ipu
from support.oracle import close_to_round_off

T, B, N = 10, 3, 21

# name -> (ours, snnTorch's, constructor kwargs, the per-step call's state names)
NEURONS = {
    "rleaky": (snn_ipu.nn.RLeaky, snn.RLeaky,
               dict(beta=0.9, V=0.5, threshold=0.8, all_to_all=False), ("spk", "mem")),
    "rsynaptic": (snn_ipu.nn.RSynaptic, snn.RSynaptic,
                  dict(alpha=0.85, beta=0.9, V=-0.4, threshold=0.8, all_to_all=False),
                  ("spk", "syn", "mem")),
}


def _current(seed=0, shape=(T, B, N)):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=gen) * 0.8 + 0.4


def _step_loop(layer, cur, states=None):
    """The snnTorch tutorials' loop: the layer called at every step, its
    returned (spk, ..., mem) passed back in."""
    outs = []
    for t in range(cur.shape[0]):
        if layer.init_hidden:
            out = layer(cur[t])
        else:
            out = layer(cur[t], *states) if states is not None else layer(cur[t])
            states = out
        outs.append(out if isinstance(out, tuple) else (out,))
    return tuple(torch.stack(o) for o in zip(*outs))


def _pair(name, **extra):
    ours_cls, theirs_cls, kwargs, states = NEURONS[name]
    kwargs = dict(kwargs, **extra)
    ours, theirs = ours_cls(**kwargs), theirs_cls(**kwargs)
    theirs.load_state_dict(ours.state_dict())
    return ours, theirs, states


@pytest.mark.parametrize("name", sorted(NEURONS))
def test_is_the_snntorch_neuron_with_identical_steps(name):
    ours, theirs, states = _pair(name)
    assert isinstance(ours, type(theirs))
    cur = _current()
    a = _step_loop(ours, cur, [torch.zeros(B, N)] * len(states))
    b = _step_loop(theirs, cur, [torch.zeros(B, N)] * len(states))
    for x, y in zip(a, b):
        assert torch.equal(x, y)


CASES = [("rleaky", r, d) for r in ("subtract", "zero", "none") for d in (True, False)
         if r != "none" or d] + [("rsynaptic", r, True) for r in ("subtract", "zero", "none")]


@pytest.mark.parametrize("name,reset,delay", CASES)
@pytest.mark.parametrize("per_neuron_V", [False, True])
def test_forward_sequence_equals_the_step_loop_with_gradients(name, reset, delay,
                                                              per_neuron_V):
    extra = dict(learn_beta=True, learn_threshold=True, reset_mechanism=reset,
                 reset_delay=delay, spike_grad=snn.surrogate.fast_sigmoid(slope=10))
    if per_neuron_V:
        extra["V"] = torch.linspace(-0.8, 0.8, N)
    if name == "rsynaptic":
        extra["learn_alpha"] = True
    ours, theirs, states = _pair(name, **extra)
    cur = _current(seed=1).requires_grad_()
    gen = torch.Generator().manual_seed(7)
    init = [(torch.rand(B, N, generator=gen) > 0.5).float() if s == "spk"
            else torch.randn(B, N, generator=gen) * 0.3 for s in states]
    init = [i.requires_grad_() for i in init]
    out = ours.forward_sequence(cur, *init)
    ref = _step_loop(theirs, cur, init)
    assert len(out) == len(ref) == len(states)
    for a, r in zip(out, ref):
        assert torch.equal(a, r)
    learnable = list(ours.parameters())
    learnable_r = list(theirs.parameters())
    assert any(p is ours.V for p in learnable)
    w = [torch.randn_like(o) for o in out]
    loss = sum((o * wi).sum() for o, wi in zip(out, w))
    loss_r = sum((o * wi).sum() for o, wi in zip(ref, w))
    for a, r in zip(torch.autograd.grad(loss, [cur] + init + learnable),
                    torch.autograd.grad(loss_r, [cur] + init + learnable_r)):
        close_to_round_off(a, r, rel=1e-5)


@pytest.mark.parametrize("name", sorted(NEURONS))
def test_init_hidden_continues_updates_and_resets_every_hidden_state(name):
    ours, theirs, states = _pair(name, init_hidden=True)
    cur = _current(seed=2, shape=(2 * T, B, N))
    first = ours.forward_sequence(cur[:T])
    second = ours.forward_sequence(cur[T:])  # continues from the hidden states
    (spk_r,) = _step_loop(theirs, cur)
    assert torch.equal(torch.cat([first, second]), spk_r)
    for state in states:
        assert torch.equal(getattr(ours, state), getattr(theirs, state))
    type(ours).detach_hidden()  # in place: the hidden states are no views
    assert not any(getattr(ours, s).requires_grad for s in states)
    utils.reset(nn.Sequential(ours))
    if name == "rleaky":  # snnTorch's RSynaptic reset leaves the spike (#108)
        assert all(torch.equal(getattr(ours, s), torch.zeros(B, N)) for s in states)
    with pytest.raises(TypeError, match="init_hidden=True"):
        ours.forward_sequence(cur, *[torch.zeros(B, N)] * len(states))


def test_rsynaptic_detach_and_reset_hidden_reach_the_spike_too():
    ours, _, states = _pair("rsynaptic", init_hidden=True, learn_beta=True)
    ours.forward_sequence(_current(seed=3))
    assert ours.spk.requires_grad
    snn_ipu.nn.RSynaptic.detach_hidden()
    assert not any(getattr(ours, s).requires_grad for s in states)
    snn_ipu.nn.RSynaptic.reset_hidden()
    assert all(torch.equal(getattr(ours, s), torch.zeros(B, N)) for s in states)


@pytest.mark.parametrize("name", sorted(NEURONS))
def test_output_true_and_step_mode_multi(name):
    ours, theirs, states = _pair(name, init_hidden=True, output=True)
    cur = _current(seed=4)
    out, ref = ours.forward_sequence(cur), _step_loop(theirs, cur)
    assert len(out) == len(ref) == len(states)
    for a, r in zip(out, ref):
        assert torch.equal(a, r)
    torch.manual_seed(0)
    fc = nn.Linear(6, N)
    ours_cls, theirs_cls, kwargs, _ = NEURONS[name]
    seq = nn.Sequential(fc, ours_cls(init_hidden=True, step_mode="multi", **kwargs))
    x = torch.randn(T, B, 6)
    (spk_r,) = _step_loop(theirs_cls(init_hidden=True, **kwargs), fc(x))
    assert torch.equal(seq(x), spk_r)


@pytest.mark.parametrize("name", sorted(NEURONS))
def test_static_input_with_num_steps(name):
    ours, theirs, _ = _pair(name, init_hidden=True, output=True)
    x = _current(seed=5, shape=(B, N))
    out = ours.forward_sequence(x, num_steps=T)
    ref = _step_loop(theirs, x.expand(T, B, N))
    for a, r in zip(out, ref):
        assert torch.equal(a, r)


def _all_to_all_pair(name, recurrent, seed, **extra):
    """Our all-to-all neuron and snnTorch's with the same weights, and the
    shape of the input: a Linear over N features or a Conv2d over 2 channels."""
    ours_cls, theirs_cls, kwargs, states = NEURONS[name]
    kwargs = {k: v for k, v in kwargs.items() if k not in ("V", "all_to_all")}
    kwargs.update(extra)
    if recurrent == "linear":
        kwargs["linear_features"], shape = N, (T, B, N)
    else:
        kwargs.update(conv2d_channels=2, kernel_size=3)
        shape = (T, B, 2, 4, 5)
    torch.manual_seed(seed)
    ours = ours_cls(**kwargs)
    theirs = theirs_cls(**kwargs)
    theirs.load_state_dict(ours.state_dict())
    return ours, theirs, states, shape


@pytest.mark.parametrize("name", sorted(NEURONS))
@pytest.mark.parametrize("recurrent", ["linear", "conv2d"])
@pytest.mark.parametrize("reset", ["subtract", "zero"])
def test_all_to_all_equals_the_step_loop_with_gradients(name, recurrent, reset):
    # Per step snnTorch's recurrent call, then a kernel step: bitwise
    # forward, gradients (the recurrent weight and bias included) to round-off.
    ours, theirs, states, shape = _all_to_all_pair(
        name, recurrent, 0, reset_mechanism=reset, learn_beta=True, learn_threshold=True)
    cur = (_current(seed=6, shape=shape) * 1.5).requires_grad_()
    zeros = [torch.zeros(shape[1:])] * len(states)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the kernels, not the reference path
        out = ours.forward_sequence(cur, *zeros)
    ref = _step_loop(theirs, cur, zeros)
    assert len(out) == len(ref)
    for a, r in zip(out, ref):
        assert torch.equal(a, r)
    assert 0 < out[0].mean() < 1
    for s in states:  # the hidden states continue as the loop leaves them
        assert torch.equal(getattr(ours, s), getattr(theirs, s))
    loss, loss_r = (sum((o * (i + 1)).sum() for i, o in enumerate(v)) for v in (out, ref))
    for a, r in zip(torch.autograd.grad(loss, [cur, *ours.parameters()]),
                    torch.autograd.grad(loss_r, [cur, *theirs.parameters()])):
        close_to_round_off(a, r, rel=1e-5)


@pytest.mark.parametrize("name", sorted(NEURONS))
def test_all_to_all_spikes_only_and_static_input(name):
    ours_cls, theirs_cls, kwargs, _ = NEURONS[name]
    kwargs = {k: v for k, v in kwargs.items() if k not in ("V", "all_to_all")}
    torch.manual_seed(1)
    ours = ours_cls(linear_features=N, init_hidden=True, **kwargs)
    theirs = theirs_cls(linear_features=N, init_hidden=True, **kwargs)
    theirs.load_state_dict(ours.state_dict())
    x = _current(seed=9, shape=(B, N))
    out = ours.forward_sequence(x, num_steps=T)
    (ref,) = _step_loop(theirs, x.expand(T, B, N))
    assert torch.equal(out, ref)


def test_rsynaptic_reset_delay_false_does_nothing_as_in_snntorch_and_warns_once():
    from snn_ipu import ops

    ours, theirs, states = _pair("rsynaptic", reset_delay=False, reset_mechanism="zero")
    cur = _current(seed=8) * 2
    zeros = [torch.zeros(B, N)] * len(states)
    ops._warned_rsynaptic_reset_delay = False
    with pytest.warns(ops.NoEffectWarning, match="reset_delay=False has no effect"):
        out = ours.forward_sequence(cur, *zeros)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = ours.forward_sequence(cur, *zeros)  # once
    ref = _step_loop(theirs, cur, zeros)
    for a, b, r in zip(out, again, ref):
        assert torch.equal(a, r) and torch.equal(b, r)


@pytest.mark.parametrize("name", sorted(NEURONS))
@pytest.mark.parametrize("all_to_all", [False, True])
def test_fuse_runs_recurrent_neurons_as_the_step_loop(name, all_to_all):
    ours_cls, theirs_cls, kwargs, _ = NEURONS[name]
    if all_to_all:
        kwargs = {k: v for k, v in kwargs.items() if k not in ("V", "all_to_all")}
        kwargs["linear_features"] = N

    def model(cls):
        torch.manual_seed(0)
        return nn.Sequential(nn.Linear(6, N), cls(init_hidden=True, **kwargs),
                             nn.Linear(N, 4), snn.Leaky(beta=0.8, init_hidden=True))

    fused = snn_ipu.fuse(model(ours_cls))
    plain = model(theirs_cls)
    x = torch.randn(T, B, 6)
    out = fused(x)
    utils.reset(plain)
    spikes = []
    for t in range(T):
        spikes.append(plain(x[t]))
    assert torch.equal(out, torch.stack(spikes))


@pytest.mark.parametrize("name", sorted(NEURONS))
@pytest.mark.parametrize("recurrent", ["linear", "conv2d"])
@pytest.mark.parametrize("hooked", [False, True])
def test_recurrence_is_one_autograd_node_unless_hooked(name, recurrent, hooked):
    # A plain nn.Linear or nn.Conv2d recurrence runs in one node (the
    # weight's gradient one product after the loop); a hooked one step by
    # step (its hooks called).
    extra = dict(reset_delay=False, reset_mechanism="zero") if name == "rleaky" else {}
    ours, theirs, states, shape = _all_to_all_pair(name, recurrent, 2, **extra)
    calls = []
    if hooked:
        ours.recurrent.register_forward_hook(lambda *args: calls.append(1))
    cur = (_current(seed=10, shape=shape) * 1.5).requires_grad_()
    gen = torch.Generator().manual_seed(3)
    init = [((torch.rand(shape[1:], generator=gen) > 0.5).float() if s == "spk"
             else torch.randn(shape[1:], generator=gen) * 0.3).requires_grad_()
            for s in states]
    out = ours.forward_sequence(cur, *init)
    assert (type(out[0].grad_fn).__name__ == "AllToAllFunctionBackward") != hooked
    assert len(calls) == (T if hooked else 0)
    ref = _step_loop(theirs, cur, init)
    for a, r in zip(out, ref):
        assert torch.equal(a, r)
    assert 0 < out[0].mean() < 1
    loss, loss_r = (sum((o * (i + 1)).sum() for i, o in enumerate(v)) for v in (out, ref))
    for a, r in zip(torch.autograd.grad(loss, [cur, *init, *ours.parameters()]),
                    torch.autograd.grad(loss_r, [cur, *init, *theirs.parameters()])):
        close_to_round_off(a, r, rel=1e-5)


@pytest.mark.parametrize("name", sorted(NEURONS))
@pytest.mark.parametrize("conv", [dict(padding_mode="circular"), dict(padding="same"),
                                  dict(groups=2), dict(dilation=2, padding=2)])
def test_conv2d_recurrences_one_node_or_not_equal_the_step_loop(name, conv):
    # A Conv2d that is not snnTorch's (circular or string padding: its own
    # call, step by step; groups or dilation: one node) still gives the loop's
    # results.
    ours, theirs, states, shape = _all_to_all_pair(name, "conv2d", 4)
    torch.manual_seed(5)
    options = dict(dict(kernel_size=3, padding=1), **conv)
    ours.recurrent = nn.Conv2d(2, 2, **options)
    theirs.recurrent = nn.Conv2d(2, 2, **options)
    theirs.recurrent.load_state_dict(ours.recurrent.state_dict())
    one_node = "padding_mode" not in conv and conv.get("padding") != "same"
    cur = (_current(seed=11, shape=shape) * 1.5).requires_grad_()
    zeros = [torch.zeros(shape[1:])] * len(states)
    out = ours.forward_sequence(cur, *zeros)
    assert (type(out[0].grad_fn).__name__ == "AllToAllFunctionBackward") == one_node
    ref = _step_loop(theirs, cur, zeros)
    for a, r in zip(out, ref):
        assert torch.equal(a, r)
    loss, loss_r = (sum((o * (i + 1)).sum() for i, o in enumerate(v)) for v in (out, ref))
    for a, r in zip(torch.autograd.grad(loss, [cur, *ours.parameters()]),
                    torch.autograd.grad(loss_r, [cur, *theirs.parameters()])):
        close_to_round_off(a, r, rel=1e-5)


@pytest.mark.parametrize("recurrent", ["linear", "conv2d"])
def test_all_to_all_records_are_saved_so_an_in_place_edit_fails_the_backward(recurrent):
    # The records are the tensors the backward reads: editing one in place
    # must raise torch's error, never give a wrong gradient.
    ours, _, states, shape = _all_to_all_pair("rsynaptic", recurrent, 6)
    cur = (_current(seed=12, shape=shape) * 1.5).requires_grad_()
    spk, syn, mem = ours.forward_sequence(cur, *[torch.zeros(shape[1:])] * len(states))
    syn.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        (spk.sum() + mem.sum()).backward()
