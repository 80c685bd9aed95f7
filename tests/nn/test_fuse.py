"""snn_ipu.fuse: an snnTorch nn.Sequential run over all steps at once equals
the original model run step by step.

The neuron kernels are bitwise snnTorch's, but a layer folded over time runs
once on the [T*B, ...] batch where the step loop runs it T times on [B, ...]:
BLAS and oneDNN choose their kernels by batch size, so the two may differ in
round-off (they do on some machines and not on others). So results are
compared to round-off wherever a layer runs on a different batch size, and
bitwise only where every layer but the neurons runs on the same batch both
ways (hoisted for a static input, or run per step)."""
import copy

import pytest
import snntorch as snn
import torch
from snntorch import utils
from torch import nn

import snn_ipu
from support.oracle import close_to_round_off
from support.step_loop import like_step_loop, step_loop

T = 9


def mlp(seed=0, output=True):
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Flatten(), nn.Linear(64, 40),
        snn.Leaky(beta=0.9, init_hidden=True),
        nn.Linear(40, 10),
        snn.Leaky(beta=0.8, init_hidden=True, output=output,
                  spike_grad=snn.surrogate.fast_sigmoid(slope=25)))


def conv_net(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(1, 4, 3), nn.MaxPool2d(2),
        snn.Leaky(beta=0.85, init_hidden=True, learn_beta=True),
        nn.Conv2d(4, 6, 3), nn.AvgPool2d(2), nn.Flatten(), nn.Dropout(0.0),
        nn.Linear(6, 5),
        snn.Leaky(beta=0.9, init_hidden=True, output=True, learn_threshold=True))


def _compare(model, x, num_steps=None, rel=1e-5, exact=False):
    ref_model = copy.deepcopy(model)
    fused = snn_ipu.fuse(model)
    utils.reset(fused)
    out = fused(x, num_steps=num_steps)
    ref = step_loop(ref_model, x, num_steps)
    like_step_loop(out, ref, exact)
    out_t, ref_t = (out, ref) if isinstance(out, tuple) else ((out,), (ref,))
    loss = sum((o * (i + 1)).sum() for i, o in enumerate(out_t))
    loss_r = sum((o * (i + 1)).sum() for i, o in enumerate(ref_t))
    loss.backward()
    loss_r.backward()
    for (name, p), p_r in zip(model.named_parameters(), ref_model.parameters()):
        try:
            close_to_round_off(p.grad, p_r.grad, rel=rel)
        except AssertionError as err:
            raise AssertionError(f"gradient of {name}: {err}") from None


def test_static_input_is_hoisted_and_exact():
    # The layers before the only Leaky run once on [B, ...], as each step of
    # the loop runs them: the same batch both ways, so the same bits.
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 40),
                          snn.Leaky(beta=0.9, init_hidden=True, output=True))
    _compare(model, torch.rand(6, 1, 8, 8), num_steps=T, exact=True)


def test_static_input_mlp():
    # The second Linear runs on the folded [T*B, ...] spikes.
    _compare(mlp(), torch.rand(6, 1, 8, 8), num_steps=T)


def test_time_varying_input_mlp():
    _compare(mlp(1), torch.rand(T, 6, 1, 8, 8))


class BatchSizeRounding(nn.Module):
    """A Linear layer whose rounding depends on the batch size, as a BLAS's
    may: above `rows` rows it sums in float64 and rounds once, below it sums
    in float32. Samples are still independent, to round-off."""

    def __init__(self, in_features, out_features, rows):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)
        self.rows = rows

    def forward(self, x):
        if x.shape[0] <= self.rows:
            return self.linear(x)
        w, b = self.linear.weight, self.linear.bias
        return (x.double() @ w.double().t() + b.double()).float()


def test_folded_layers_agree_to_round_off_where_their_rounding_differs():
    """What fuse promises on every machine: a layer folded over time gives
    the step loop's results to its own round-off (the neurons add none),
    even where its kernel for [T*B] rows rounds differently from its kernel
    for [B] rows, as oneDNN's and MKL's do on some machines."""
    torch.manual_seed(10)
    batch = 5
    model = nn.Sequential(BatchSizeRounding(6, 30, rows=batch),
                          snn.Leaky(beta=0.9, init_hidden=True),
                          BatchSizeRounding(30, 8, rows=batch),
                          snn.Leaky(beta=0.8, init_hidden=True, output=True))
    x = torch.randn(T, batch, 6) + 0.5
    folded = model[0](x.reshape(T * batch, 6)).reshape(T, batch, 30)
    per_step = torch.stack([model[0](x_t) for x_t in x])
    assert not torch.equal(folded, per_step)  # the rounding differs here
    _compare(model, x)


# oneDNN chooses its convolution algorithm by batch size too.
def test_conv_net_time_varying():
    _compare(conv_net(), torch.rand(T, 3, 1, 12, 12) * 2)


def test_conv_net_static():
    _compare(conv_net(2), torch.rand(3, 1, 12, 12) * 2, num_steps=T)


def test_last_leaky_without_output_returns_spikes_only():
    model = mlp(output=False)
    x = torch.rand(T, 4, 1, 8, 8)
    out = snn_ipu.fuse(copy.deepcopy(model))(x)
    assert isinstance(out, torch.Tensor)
    like_step_loop(out, step_loop(model, x))


def test_model_ending_in_a_linear_layer():
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(5, 7), snn.Leaky(beta=0.9, init_hidden=True), nn.Linear(7, 2))
    x = torch.randn(T, 4, 5) + 0.5
    _compare(model, x)


def test_batch_norm_in_training_runs_per_step():
    """Batch statistics are per step in the step loop: so they are here too,
    and the running statistics see T updates."""
    torch.manual_seed(4)
    model = nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), snn.Leaky(beta=0.9, init_hidden=True,
                                                                        output=True))
    ref = copy.deepcopy(model)
    x = torch.randn(T, 5, 6)
    fused = snn_ipu.fuse(model)
    out = fused(x)
    out_r = step_loop(ref, x)
    like_step_loop(out, out_r)  # the Linear before the batch norm is folded
    close_to_round_off(model[1].running_mean, ref[1].running_mean)
    close_to_round_off(model[1].running_var, ref[1].running_var)
    assert model[1].num_batches_tracked == ref[1].num_batches_tracked == T


def test_batch_norm_in_training_is_not_hoisted():
    torch.manual_seed(5)
    model = nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), snn.Leaky(beta=0.9, init_hidden=True))
    ref = copy.deepcopy(model)
    x = torch.randn(5, 6)
    out = snn_ipu.fuse(model)(x, num_steps=4)
    # The Linear is hoisted (run once on [B]) and the batch norm runs per
    # step, on [B] as in the loop: the same bits.
    like_step_loop(out, step_loop(ref, x, num_steps=4), exact=True)
    assert model[1].num_batches_tracked == 4


def test_parameters_are_shared_with_the_original():
    model = mlp()
    fused = snn_ipu.fuse(model)
    assert all(a is b for a, b in zip(fused.parameters(), model.parameters()))
    assert list(fused.state_dict()) == list(model.state_dict())
    opt = torch.optim.SGD(fused.parameters(), lr=0.1)
    before = model[1].weight.detach().clone()
    out, _ = fused(torch.rand(4, 1, 8, 8), num_steps=3)
    out.sum().backward()
    opt.step()
    assert not torch.equal(model[1].weight, before)


def test_hidden_state_continues_between_calls_like_the_step_loop():
    model = mlp()
    ref = copy.deepcopy(model)
    fused = snn_ipu.fuse(model)
    x = torch.rand(2 * T, 4, 1, 8, 8)
    utils.reset(fused)
    first = fused(x[:T])
    second = fused(x[T:])
    whole = step_loop(ref, x)
    like_step_loop((torch.cat([first[0], second[0]]), torch.cat([first[1], second[1]])), whole)


@pytest.mark.parametrize("model,message", [
    (nn.Linear(3, 3), "expected an nn.Sequential"),
    (nn.Sequential(nn.Linear(3, 3), snn.Leaky(beta=0.9)), "init_hidden=True"),
    (nn.Sequential(snn.Leaky(beta=0.9, init_hidden=True, output=True), nn.Linear(3, 3)),
     "output=True but is not the last"),
    (nn.Sequential(nn.Linear(3, 3), snn.SLSTM(input_size=3, hidden_size=3, init_hidden=True)),
     "SLSTM"),
])
def test_unsupported_models_are_refused(model, message):
    with pytest.raises((TypeError, ValueError), match=message):
        snn_ipu.fuse(model)


class _Block(nn.Module):
    """A user's block with a neuron inside: fuse cannot give it T steps."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 6)
        self.lif = snn.Leaky(beta=0.9, init_hidden=True)

    def forward(self, x):
        return self.lif(self.fc(x))


@pytest.mark.parametrize("inner", [
    _Block,
    lambda: nn.Sequential(nn.Linear(4, 6), snn.Leaky(beta=0.9, init_hidden=True)),
    lambda: nn.Sequential(nn.Linear(4, 6), snn.Synaptic(alpha=0.8, beta=0.9, init_hidden=True)),
])
def test_neurons_nested_in_a_layer_are_refused(inner):
    model = nn.Sequential(inner(), nn.Linear(6, 2),
                          snn.Leaky(beta=0.9, init_hidden=True, output=True))
    with pytest.raises(TypeError, match=r"layer 0 \(\w+\) holds a spiking neuron"):
        snn_ipu.fuse(model)


@pytest.mark.parametrize("num_steps", [None, T])
def test_batch_norm_without_running_statistics_normalises_per_step(num_steps):
    """track_running_stats=False: batch statistics even in eval mode, so per
    step, as in the step loop (a static input's are the same at every step)."""
    torch.manual_seed(6)
    model = nn.Sequential(nn.Linear(4, 6), snn.Leaky(beta=0.9, init_hidden=True),
                          # No bias before batch norm: its gradient is 0 up to round-off.
                          nn.Linear(6, 5, bias=False), nn.BatchNorm1d(5, track_running_stats=False),
                          snn.Leaky(beta=0.9, init_hidden=True, output=True)).eval()
    x = torch.rand(5, 3, 4) * 2 if num_steps is None else torch.rand(3, 4) * 2
    _compare(model, x, num_steps=num_steps)


def test_batch_norm_in_training_without_running_statistics_is_hoisted_exactly():
    """Batch statistics of a static input are the same at every step, and
    without running statistics nothing is updated per step: the layers
    before the first Leaky may run once."""
    torch.manual_seed(8)
    model = nn.Sequential(nn.Linear(4, 6, bias=False), nn.BatchNorm1d(6, track_running_stats=False),
                          snn.Leaky(beta=0.9, init_hidden=True, output=True))
    calls = []
    model[1].register_forward_hook(lambda module, inputs, output: calls.append(1))
    _compare(model, torch.rand(5, 4) * 2, num_steps=T)
    # Hoisted: the fused model called the batch norm once, the step loop T times.
    assert len(calls) == 1 + T


def test_batch_norm_nested_in_a_block_runs_per_step():
    torch.manual_seed(7)
    model = nn.Sequential(nn.Linear(4, 6), snn.Leaky(beta=0.9, init_hidden=True),
                          nn.Sequential(nn.Linear(6, 5, bias=False), nn.BatchNorm1d(5)),
                          snn.Leaky(beta=0.9, init_hidden=True, output=True))
    _compare(model, torch.rand(T, 3, 4) * 2)
    assert model[2][1].num_batches_tracked == T


def test_hooks_on_a_fused_leaky_are_refused_not_skipped():
    model = mlp()
    fused = snn_ipu.fuse(model)
    handle = model[2].register_forward_hook(lambda module, inputs, output: None)
    with pytest.raises(RuntimeError, match="layer 2 \\(Leaky\\) has forward or backward hooks"):
        fused(torch.rand(T, 4, 1, 8, 8))
    handle.remove()
    fused(torch.rand(T, 4, 1, 8, 8))  # runs again once the hook is gone


def test_hooks_on_every_module_warn_that_leaky_layers_skip_them():
    from torch.nn.modules.module import register_module_forward_hook

    seen = []
    handle = register_module_forward_hook(lambda module, inputs, output: seen.append(module))
    try:
        model = mlp()
        with pytest.warns(UserWarning, match="hooks registered for every module"):
            _compare(model, torch.rand(T, 4, 1, 8, 8))
    finally:
        handle.remove()
    assert any(isinstance(m, nn.Linear) for m in seen)  # the other layers still call them


def test_hidden_state_is_a_tensor_of_its_own():
    """The last layer's hidden state is not a view of the returned membrane
    record: snnTorch's detach_hidden (truncated BPTT) detaches it in place,
    and an in-place edit of the record leaves the next call's start alone."""
    model = mlp()
    ref = copy.deepcopy(model)
    fused = snn_ipu.fuse(model)
    x = torch.rand(2 * T, 4, 1, 8, 8)
    utils.reset(fused)
    spk, mem = fused(x[:T])
    spk.sum().backward()
    snn.Leaky.detach_hidden()  # raised "Can't detach views in-place"
    mem.mul_(0)
    second, _ = fused(x[T:])
    like_step_loop(torch.cat([spk, second]), step_loop(ref, x)[0])


def test_layer_names_are_kept_and_slices_are_fused_models():
    from collections import OrderedDict

    torch.manual_seed(9)
    model = nn.Sequential(OrderedDict(
        fc1=nn.Linear(5, 7), lif1=snn.Leaky(beta=0.9, init_hidden=True),
        fc2=nn.Linear(7, 3), lif2=snn.Leaky(beta=0.8, init_hidden=True, output=True)))
    ref = copy.deepcopy(model)
    fused = snn_ipu.fuse(model)
    assert list(fused.state_dict()) == list(model.state_dict())
    assert fused.fc1 is model.fc1
    head = fused[:2]
    assert isinstance(head, snn_ipu.FusedSequential) and list(head._modules) == ["fc1", "lif1"]
    x = torch.rand(T, 4, 5) * 2
    utils.reset(head)
    spikes = head(x)
    like_step_loop(spikes, step_loop(ref[:2], x))
    with pytest.raises(TypeError, match="expected an nn.Sequential"):
        snn_ipu.fuse(OrderedDict(fc=nn.Linear(2, 2)))


def test_training_continues_from_an_inference_mode_call():
    """A validation pass under torch.inference_mode, then training without a
    reset: the hidden state it left is an inference tensor, which snnTorch's
    loop continues from, and so must the fused model (it cannot save that
    tensor for backward as it is)."""
    model = mlp()
    ref = copy.deepcopy(model)
    fused = snn_ipu.fuse(model)
    x = torch.rand(2 * T, 4, 1, 8, 8)
    utils.reset(fused)
    with torch.inference_mode():
        first, _ = fused(x[:T])
    second, mem = fused(x[T:])
    (second.sum() + mem.sum()).backward()
    like_step_loop(torch.cat([first, second]), step_loop(ref, x)[0])


def test_bad_num_steps():
    with pytest.raises(ValueError, match="num_steps"):
        snn_ipu.fuse(mlp())(torch.rand(2, 64), num_steps=0)
