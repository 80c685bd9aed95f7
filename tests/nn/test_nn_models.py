"""snn_ipu.nn.Synaptic, Alpha and Lapicque: snnTorch's neurons with a fused
multi-step call, against snnTorch's own layers run step by step."""
import pytest
import snntorch as snn
import torch
from snntorch import utils
from torch import nn

import snn_ipu
from support.oracle import close_to_round_off

T, B, N = 10, 3, 21

# name -> (ours, snnTorch's, constructor kwargs, state names)
NEURONS = {
    "synaptic": (snn_ipu.nn.Synaptic, snn.Synaptic,
                 dict(alpha=0.85, beta=0.9, threshold=0.8), ("syn", "mem")),
    "alpha": (snn_ipu.nn.Alpha, snn.Alpha,
              dict(alpha=0.9, beta=0.75, threshold=0.5), ("syn_exc", "syn_inh", "mem")),
    "lapicque": (snn_ipu.nn.Lapicque, snn.Lapicque,
                 dict(R=5.1, C=5e-3, time_step=1e-3, threshold=0.5), ("mem",)),
}
# Lapicque scales its input by R*dt/(R*C) = 0.2: drive it harder.
SCALE = {"synaptic": 1.0, "alpha": 1.0, "lapicque": 4.0}


def _current(name, seed=0, shape=(T, B, N)):
    gen = torch.Generator().manual_seed(seed)
    return (torch.randn(shape, generator=gen) * 0.8 + 0.4) * SCALE[name]


def _step_loop(layer, cur, states=None):
    """What the snnTorch tutorials do: call the layer at every step."""
    outs = []
    for t in range(cur.shape[0]):
        if layer.init_hidden:
            out = layer(cur[t])
        else:
            out = layer(cur[t], *states) if states is not None else layer(cur[t])
            states = out[1:]
        outs.append(out if isinstance(out, tuple) else (out,))
    return tuple(torch.stack(o) for o in zip(*outs))


@pytest.mark.parametrize("name", sorted(NEURONS))
def test_is_the_snntorch_neuron_with_identical_steps(name):
    ours_cls, theirs_cls, kwargs, states = NEURONS[name]
    ours, theirs = ours_cls(**kwargs), theirs_cls(**kwargs)
    assert isinstance(ours, theirs_cls)
    cur = _current(name)
    a = _step_loop(ours, cur, [torch.zeros(B, N)] * len(states))
    b = _step_loop(theirs, cur, [torch.zeros(B, N)] * len(states))
    for x, y in zip(a, b):
        assert torch.equal(x, y)


@pytest.mark.parametrize("name", sorted(NEURONS))
def test_forward_sequence_equals_the_step_loop_with_gradients(name):
    ours_cls, theirs_cls, kwargs, states = NEURONS[name]
    kwargs = dict(kwargs, learn_threshold=True, spike_grad=snn.surrogate.fast_sigmoid(slope=10))
    if name != "lapicque":
        kwargs["learn_beta"] = True
    ours, theirs = ours_cls(**kwargs), theirs_cls(**kwargs)
    theirs.load_state_dict(ours.state_dict())
    cur = _current(name, seed=1).requires_grad_()
    init = [torch.randn(B, N) * 0.3 for _ in states]
    out = ours.forward_sequence(cur, *init)
    ref = _step_loop(theirs, cur, init)
    assert len(out) == len(ref) == 1 + len(states)
    for a, r in zip(out, ref):
        assert torch.equal(a, r)
    learnable = [p for p in ours.parameters()]
    learnable_r = [p for p in theirs.parameters()]
    assert learnable, "some parameter should be learnable"
    w = [torch.randn_like(o) for o in out]
    loss = sum((o * wi).sum() for o, wi in zip(out, w))
    loss_r = sum((o * wi).sum() for o, wi in zip(ref, w))
    for a, r in zip(torch.autograd.grad(loss, [cur] + learnable),
                    torch.autograd.grad(loss_r, [cur] + learnable_r)):
        close_to_round_off(a, r, rel=1e-5)


@pytest.mark.parametrize("name", sorted(NEURONS))
def test_init_hidden_continues_updates_and_resets_the_hidden_states(name):
    ours_cls, theirs_cls, kwargs, states = NEURONS[name]
    ours = ours_cls(init_hidden=True, **kwargs)
    theirs = theirs_cls(init_hidden=True, **kwargs)
    cur = _current(name, seed=2, shape=(2 * T, B, N))
    first = ours.forward_sequence(cur[:T])
    second = ours.forward_sequence(cur[T:])  # continues from the hidden states
    (spk_r,) = _step_loop(theirs, cur)
    assert torch.equal(torch.cat([first, second]), spk_r)
    for state in states:
        assert torch.equal(getattr(ours, state), getattr(theirs, state))
    theirs_cls.detach_hidden()  # in place: the hidden states are no views
    utils.reset(nn.Sequential(ours))  # snnTorch's reset reaches our neuron
    assert all(torch.equal(getattr(ours, s), torch.zeros(B, N)) for s in states)
    with pytest.raises(TypeError, match="init_hidden=True"):
        ours.forward_sequence(cur, *[torch.zeros(B, N)] * len(states))


@pytest.mark.parametrize("name", sorted(NEURONS))
def test_output_true_returns_the_spikes_and_every_state(name):
    ours_cls, theirs_cls, kwargs, states = NEURONS[name]
    ours = ours_cls(init_hidden=True, output=True, **kwargs)
    theirs = theirs_cls(init_hidden=True, output=True, **kwargs)
    cur = _current(name, seed=3)
    out, ref = ours.forward_sequence(cur), _step_loop(theirs, cur)
    assert len(out) == len(ref) == 1 + len(states)
    for a, r in zip(out, ref):
        assert torch.equal(a, r)


@pytest.mark.parametrize("name", sorted(NEURONS))
def test_step_mode_multi_in_a_sequential(name):
    ours_cls, theirs_cls, kwargs, _ = NEURONS[name]
    torch.manual_seed(0)
    fc = nn.Linear(6, N)
    seq = nn.Sequential(fc, ours_cls(init_hidden=True, step_mode="multi", **kwargs))
    x = torch.randn(T, B, 6) * SCALE[name]
    (spk_r,) = _step_loop(theirs_cls(init_hidden=True, **kwargs), fc(x))
    assert torch.equal(seq(x), spk_r)
    with pytest.raises(ValueError, match="step_mode"):
        ours_cls(step_mode="many", **kwargs)


@pytest.mark.parametrize("name", sorted(NEURONS))
def test_static_input_with_num_steps(name):
    ours_cls, theirs_cls, kwargs, _ = NEURONS[name]
    ours = ours_cls(init_hidden=True, output=True, **kwargs)
    theirs = theirs_cls(init_hidden=True, output=True, **kwargs)
    x = _current(name, seed=4, shape=(B, N))
    out = ours.forward_sequence(x, num_steps=T)
    ref = _step_loop(theirs, x.expand(T, B, N))
    for a, r in zip(out, ref):
        assert torch.equal(a, r)


@pytest.mark.parametrize("name", sorted(NEURONS))
def test_inhibition_runs_the_snntorch_step_loop_with_a_warning(name):
    ours_cls, theirs_cls, kwargs, states = NEURONS[name]
    ours = ours_cls(inhibition=True, **kwargs)
    theirs = theirs_cls(inhibition=True, **kwargs)
    cur = _current(name, seed=5)
    zeros = [torch.zeros(B, N)] * len(states)
    with pytest.warns(snn_ipu.ReferencePathWarning, match="inhibition"):
        out = ours.forward_sequence(cur, *zeros)
    for a, r in zip(out, _step_loop(theirs, cur, zeros)):
        assert torch.equal(a, r)


@pytest.mark.parametrize("name", sorted(NEURONS))
def test_state_quant_runs_the_snntorch_step_loop_with_a_warning(name):
    from snntorch.functional import quant

    ours_cls, theirs_cls, kwargs, states = NEURONS[name]
    q = quant.state_quant(num_bits=4, uniform=True)
    ours = ours_cls(state_quant=q, **kwargs)
    theirs = theirs_cls(state_quant=q, **kwargs)
    cur = _current(name, seed=6)
    zeros = [torch.zeros(B, N)] * len(states)
    with pytest.warns(snn_ipu.ReferencePathWarning, match="state_quant"):
        out = ours.forward_sequence(cur, *zeros)
    for a, r in zip(out, _step_loop(theirs, cur, zeros)):
        assert torch.equal(a, r)


def test_synaptic_exports_to_nir_as_snntorch_does():
    pytest.importorskip("nir", reason="NIR export needs the nir and nirtorch packages")
    pytest.importorskip("nirtorch", reason="NIR export needs the nir and nirtorch packages")
    from snntorch.export_nir import export_to_nir

    def model(cls):
        torch.manual_seed(0)
        return nn.Sequential(
            nn.Linear(8, 5),
            cls(alpha=torch.full((5,), 0.8), beta=torch.full((5,), 0.7),
                threshold=torch.ones(5), init_hidden=True, output=True))

    sample = torch.randn(1, 8)
    ours = export_to_nir(model(snn_ipu.nn.Synaptic), sample, ignore_dims=[0])
    theirs = export_to_nir(model(snn.Synaptic), sample, ignore_dims=[0])
    assert set(ours.nodes) == set(theirs.nodes)
    assert [type(v).__name__ for v in ours.nodes.values()] == \
        [type(v).__name__ for v in theirs.nodes.values()]
