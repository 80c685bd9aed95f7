"""snn_ipu.fuse with snnTorch's Synaptic, Alpha and Lapicque neurons, mixed
with Leaky: the fused model equals the step loop (forward to the folded
layers' round-off, bitwise where every layer sees the loop's batch; gradients
to round-off), and returns every state's record of a last neuron with
output=True."""
import copy

import pytest
import snntorch as snn
import torch
from snntorch import utils
from torch import nn

import snn_ipu
from support.oracle import close_to_round_off
from support.step_loop import like_step_loop, step_loop

T = 8


def mixed(last="lapicque", seed=0):
    torch.manual_seed(seed)
    tail = {
        "lapicque": snn.Lapicque(R=5.1, C=5e-3, time_step=1e-3, threshold=0.2,
                                 init_hidden=True, output=True),
        "synaptic": snn.Synaptic(alpha=0.8, beta=0.85, init_hidden=True, output=True),
        "alpha": snn.Alpha(alpha=0.9, beta=0.7, threshold=0.3, init_hidden=True, output=True),
        "leaky": snn.Leaky(beta=0.8, init_hidden=True, output=True),
        "rleaky": snn.RLeaky(beta=0.8, V=torch.linspace(-0.5, 0.5, 5), all_to_all=False,
                             init_hidden=True, output=True, learn_beta=True),
        "rsynaptic": snn.RSynaptic(alpha=0.8, beta=0.85, V=0.4, all_to_all=False,
                                   init_hidden=True, output=True),
    }[last]
    return nn.Sequential(
        nn.Linear(6, 12), snn.Synaptic(alpha=0.8, beta=0.9, init_hidden=True, learn_beta=True),
        nn.Linear(12, 10), snn.Alpha(alpha=0.9, beta=0.8, threshold=0.4, init_hidden=True),
        nn.Linear(10, 9), snn_ipu.nn.Leaky(beta=0.85, init_hidden=True, learn_threshold=True),
        nn.Linear(9, 5), tail)


@pytest.mark.parametrize("last", ["lapicque", "synaptic", "alpha", "leaky", "rleaky",
                                  "rsynaptic"])
def test_mixed_neurons_equal_the_step_loop(last):
    model = mixed(last)
    ref = copy.deepcopy(model)
    fused = snn_ipu.fuse(model)
    x = torch.rand(T, 4, 6) * 3
    utils.reset(fused)
    out = fused(x)
    out_r = step_loop(ref, x)
    states = {"lapicque": 1, "synaptic": 2, "alpha": 3, "leaky": 1, "rleaky": 1,
              "rsynaptic": 2}[last]
    assert isinstance(out, tuple) and len(out) == len(out_r) == 1 + states
    like_step_loop(out, out_r)
    loss = sum((o * (i + 1)).sum() for i, o in enumerate(out))
    loss_r = sum((o * (i + 1)).sum() for i, o in enumerate(out_r))
    loss.backward()
    loss_r.backward()
    for (name, p), p_r in zip(model.named_parameters(), ref.parameters()):
        try:
            close_to_round_off(p.grad, p_r.grad, rel=1e-5)
        except AssertionError as err:
            raise AssertionError(f"gradient of {name}: {err}") from None


@pytest.mark.parametrize("neuron", [
    lambda: snn.Synaptic(alpha=0.8, beta=0.9, init_hidden=True, output=True),
    lambda: snn.Alpha(alpha=0.9, beta=0.6, threshold=0.3, init_hidden=True, output=True),
    lambda: snn_ipu.nn.Lapicque(R=5.1, C=5e-3, time_step=1e-3, threshold=0.2,
                                init_hidden=True, output=True),
])
def test_static_input_is_hoisted_before_the_first_neuron_exactly(neuron):
    torch.manual_seed(1)
    model = nn.Sequential(nn.Flatten(), nn.Linear(12, 7), neuron())
    ref = copy.deepcopy(model)
    x = torch.rand(5, 3, 4) * 3
    fused = snn_ipu.fuse(model)
    utils.reset(fused)
    like_step_loop(fused(x, num_steps=T), step_loop(ref, x, num_steps=T), exact=True)


def test_hidden_states_continue_between_calls():
    model = mixed("synaptic", seed=2)
    ref = copy.deepcopy(model)
    fused = snn_ipu.fuse(model)
    x = torch.rand(2 * T, 3, 6) * 3
    utils.reset(fused)
    first, second = fused(x[:T]), fused(x[T:])
    whole = step_loop(ref, x)
    like_step_loop(tuple(torch.cat(pair) for pair in zip(first, second)), whole)


def test_a_neuron_without_init_hidden_is_refused():
    model = nn.Sequential(nn.Linear(3, 3), snn.Synaptic(alpha=0.8, beta=0.9))
    with pytest.raises(ValueError, match=r"layer 1 \(Synaptic\) needs init_hidden=True"):
        snn_ipu.fuse(model)


def test_hooks_on_a_fused_synaptic_are_refused():
    model = mixed()
    fused = snn_ipu.fuse(model)
    handle = model[1].register_forward_hook(lambda module, inputs, output: None)
    with pytest.raises(RuntimeError, match=r"layer 1 \(Synaptic\) has forward or backward"):
        fused(torch.rand(T, 2, 6))
    handle.remove()
