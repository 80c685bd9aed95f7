"""ops.lif_linear (and fuse's fold of a small Linear into the Leaky before
it): the forward is bitwise that of lif followed by F.linear, the gradients
those of the two calls to float32 round-off, and the path steps aside where
it does not apply."""
import pytest
import snntorch as snn
import torch
import torch.nn.functional as F
from torch import nn

import snn_ipu
from support.oracle import SURROGATE_FACTORIES, close_to_round_off
from snn_ipu import _host, ops


def _two_calls(x, beta, threshold, mem, weight, bias, **kw):
    spk, mem_last = ops.lif(x, beta, threshold, mem, record_mem=False, **kw)
    return F.linear(spk, weight, bias), mem_last


def _inputs(shape, outputs, per_neuron, seed=0):
    torch.manual_seed(seed)
    x = (torch.randn(shape) * 0.8 + 0.35).requires_grad_()
    step = shape[1:]
    beta = (torch.rand(step) * 0.5 + 0.45 if per_neuron else torch.tensor(0.9)).requires_grad_()
    threshold = (torch.rand(step) * 0.5 + 0.75 if per_neuron
                 else torch.tensor(1.0)).requires_grad_()
    mem = (torch.randn(step) * 0.5).requires_grad_()
    weight = (torch.randn(outputs, shape[-1]) * 0.3).requires_grad_()
    bias = torch.randn(outputs).requires_grad_()
    return x, beta, threshold, mem, weight, bias


@pytest.mark.parametrize("shape,outputs", [((7, 5, 33), 10), ((4, 3, 2, 300), 3),
                                           ((6, 2, 2100), 32), ((3, 1, 1), 1)])
@pytest.mark.parametrize("per_neuron", [False, True])
@pytest.mark.parametrize("reset,delay", [("subtract", True), ("zero", False), ("none", True)])
@pytest.mark.parametrize("surrogate", ["atan", "sigmoid"])
def test_equals_lif_then_linear(shape, outputs, per_neuron, reset, delay, surrogate):
    results = []
    for fn in (ops.lif_linear, _two_calls):
        x, beta, threshold, mem, weight, bias = _inputs(shape, outputs, per_neuron)
        kw = dict(spike_grad=SURROGATE_FACTORIES[surrogate](), reset_mechanism=reset,
                  reset_delay=delay)
        out, mem_last = fn(x, beta, threshold, mem, weight, bias, **kw)
        # Both outputs carry gradient: the Linear's and the final membrane's.
        (out.pow(2).sum() + mem_last.pow(2).sum()).backward()
        results.append((out, mem_last, [t.grad for t in (x, beta, threshold, mem, weight,
                                                          bias)]))
    (out, mem_last, grads), (out_ref, mem_ref, grads_ref) = results
    assert out.shape == out_ref.shape == (*shape[:-1], outputs)
    assert torch.equal(out, out_ref) and torch.equal(mem_last, mem_ref)
    for g, g_ref in zip(grads, grads_ref):
        close_to_round_off(g, g_ref)


@pytest.mark.parametrize("graded", ["number", "one value", "per neuron"])
@pytest.mark.parametrize("reset,delay", [("subtract", True), ("zero", False)])
def test_graded_spikes_factor(graded, reset, delay):
    # The spikes the Linear reads are g * H(U - th), and with reset_delay
    # False the reset goes through S/g: both paths of g, number or tensor.
    shape, outputs = (6, 4, 50), 7
    results = []
    for fn in (ops.lif_linear, _two_calls):
        x, beta, threshold, mem, weight, bias = _inputs(shape, outputs, per_neuron=False, seed=3)
        torch.manual_seed(4)
        factor = {"number": 0.6, "one value": torch.tensor(0.6, requires_grad=True),
                  "per neuron": (torch.rand(shape[1:]) + 0.5).requires_grad_()}[graded]
        out, mem_last = fn(x, beta, threshold, mem, weight, bias, reset_mechanism=reset,
                           reset_delay=delay, graded_spikes_factor=factor)
        (out.pow(2).sum() + mem_last.pow(2).sum()).backward()
        grads = [t.grad for t in (x, beta, threshold, mem, weight, bias)]
        if isinstance(factor, torch.Tensor):
            grads.append(factor.grad)
        results.append((out, mem_last, grads))
    (out, mem_last, grads), (out_ref, mem_ref, grads_ref) = results
    assert torch.equal(out, out_ref) and torch.equal(mem_last, mem_ref)
    assert len(grads) == len(grads_ref)
    for g, g_ref in zip(grads, grads_ref):
        close_to_round_off(g, g_ref)


def test_static_input_and_no_parameter_gradients():
    torch.manual_seed(2)
    cur = torch.randn(16, 300) * 0.5 + 0.4
    weight = torch.randn(10, 300) * 0.2
    results = []
    for fn in (ops.lif_linear, _two_calls):
        x = cur.clone().requires_grad_()
        w = weight.clone().requires_grad_()
        out, _ = fn(x, 0.9, 1.0, None, w, None, num_steps=25)
        out.pow(2).sum().backward()
        results.append((out, x.grad, w.grad))
    for a, b in zip(*results):
        close_to_round_off(a, b)
    assert torch.equal(results[0][0], results[1][0])


def test_only_the_final_membrane_carries_gradient():
    results = []
    for fn in (ops.lif_linear, _two_calls):
        x, beta, threshold, mem, weight, bias = _inputs((5, 4, 20), 6, per_neuron=False)
        _, mem_last = fn(x, beta, threshold, mem, weight, bias)
        mem_last.sum().backward()
        results.append([t.grad for t in (x, beta, threshold, mem)] + [weight.grad, bias.grad])
    for a, b in zip(*results):
        if b is None:  # nothing flows to the Linear's parameters
            assert a is None
        else:
            close_to_round_off(a, b)


@pytest.mark.parametrize("case", ["too_many_outputs", "no_outputs", "float64", "bfloat16",
                                  "mismatched_features", "autocast"])
def test_steps_aside_where_it_does_not_apply(case):
    x = torch.randn(4, 3, 8)
    outputs = {"too_many_outputs": ops.LIF_LINEAR_MAX_OUTPUTS + 1, "no_outputs": 0}.get(case, 4)
    weight = torch.randn(outputs, 5 if case == "mismatched_features" else 8)
    if case == "float64":
        x, weight = x.double(), weight.double()
    if case == "bfloat16":
        x = x.bfloat16()
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=case == "autocast"):
        assert ops.lif_linear(x, 0.9, 1.0, None, weight, None) is None


def test_weight_and_bias_must_be_tensors():
    x = torch.randn(4, 3, 8)
    with pytest.raises(TypeError, match="weight: expected a torch.Tensor"):
        ops.lif_linear(x, 0.9, 1.0, None, [[0.0] * 8], None)
    with pytest.raises(TypeError, match="bias: expected None or a torch.Tensor"):
        ops.lif_linear(x, 0.9, 1.0, None, torch.randn(4, 8), 0.5)


def test_several_blocks_per_worker_item():
    # One thread: one tile of all N neurons, six worker ranges of N/6 each;
    # with T = 25 a block is 6 x 1024 neurons, so each range spans several
    # blocks (and a ragged last one). Against the same kernel fed the
    # matmul's [T, N] gradient.
    T, B, IN, K = 25, 40, 1100, 7
    n = B * IN
    torch.manual_seed(5)
    cur = torch.randn(T, n) * 0.7 + 0.35
    grad_out, weight = torch.randn(T * B, K), torch.randn(K, IN) * 0.3
    layer = [cur, torch.zeros(n), torch.tensor([0.9]), torch.tensor([1.0]), torch.tensor([1.0])]
    results = []
    for linear in (False, True):
        grad_spikes = None if linear else (grad_out @ weight).reshape(T, n)
        current, mem0, *params = [t.numpy() for t in layer]
        grad_current, grad_states, grad_params = _host.neuron_backward(
            0, current, [mem0], params, None if linear else grad_spikes.numpy(), None, None,
            [True], True, 0, True, 0, 2.0, 0.0, 1, False, 0, None,
            *((grad_out.numpy(), weight.numpy()) if linear else ()))
        results.append([torch.from_numpy(g) for g in [grad_current] + grad_states + grad_params])
    for a, b in zip(*results):
        close_to_round_off(a, b)


def test_binding_checks_the_linear_upstream():
    T, B, IN, K = 3, 2, 5, 4
    n = B * IN
    f32 = dict(dtype=torch.float32)
    layer = [torch.rand(T, n, **f32), torch.zeros(n, **f32)] + [torch.ones(1, **f32)] * 3

    def call(grad, weight, grad_spikes=None, model=0):
        current, mem0, *params = [t.numpy() for t in layer]
        states = 1 if model == 0 else 2  # Leaky: mem; Synaptic: syn, mem
        _host.neuron_backward(model, current, [mem0] * states, params, grad_spikes, None, None,
                              [True] * states, False, 0, True, 0, 2.0, 0.0, 1, False, 0, None,
                              grad, weight)

    good_grad, good_weight = torch.randn(T * B, K).numpy(), torch.randn(K, IN).numpy()
    call(good_grad, good_weight)  # accepted
    with pytest.raises(ValueError, match="linear_grad: expected shape"):
        call(torch.randn(T * B + 1, K).numpy(), good_weight)
    with pytest.raises(ValueError, match="linear_weight"):
        call(good_grad, torch.randn(K, 3).numpy())  # 3 does not divide N = 10
    with pytest.raises(ValueError, match="not both"):
        call(good_grad, good_weight, grad_spikes=torch.randn(T, n).numpy())
    with pytest.raises(ValueError, match="give both or neither"):
        call(good_grad, None)
    with pytest.raises(ValueError, match="for Leaky layers only"):
        call(good_grad, good_weight, model=1)


def _mlp(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 40), snn.Leaky(beta=0.9, init_hidden=True),
                         nn.Linear(40, 10), snn.Leaky(beta=0.8, init_hidden=True, output=True))


def _graph_nodes(tensor):
    """The names of the autograd nodes behind `tensor`."""
    seen, stack = set(), [tensor.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is not None and fn not in seen:
            seen.add(fn)
            stack.extend(f for f, _ in fn.next_functions)
    return {type(f).__name__ for f in seen}


def test_fuse_folds_a_small_linear_into_the_leaky_before_it():
    model = snn_ipu.fuse(_mlp())
    model.reset_hidden()
    spk, _ = model(torch.rand(8, 1, 8, 8), num_steps=6)
    assert "LifLinearFunctionBackward" in _graph_nodes(spk)


@pytest.mark.parametrize("hook", ["forward", "forward_pre", "full_backward"])
def test_fuse_keeps_a_hooked_linear_a_call_of_its_own(hook):
    model = _mlp()
    calls = []
    register = getattr(model[3], f"register_{hook}_hook")
    register(lambda module, *args: calls.append(hook))
    fused = snn_ipu.fuse(model)
    fused.reset_hidden()
    spk, _ = fused(torch.rand(8, 1, 8, 8), num_steps=6)
    spk.sum().backward()
    assert calls == [hook]  # the hook ran, once, on the folded batch


def _unfolded(monkeypatch):
    monkeypatch.setattr(ops, "LIF_LINEAR_MAX_OUTPUTS", 0)


@pytest.mark.parametrize("ends_in_linear", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_folded_model_equals_the_unfolded_one(monkeypatch, ends_in_linear, bias):
    def model():
        torch.manual_seed(0)
        layers = [nn.Flatten(), nn.Linear(64, 40), snn.Leaky(beta=0.9, init_hidden=True),
                  nn.Linear(40, 10, bias=bias)]
        if not ends_in_linear:
            layers.append(snn.Leaky(beta=0.8, init_hidden=True, output=True))
        return nn.Sequential(*layers)

    x = torch.rand(5, 8, 1, 8, 8)  # [T, B, ...]: a time-varying input
    results = []
    for fold in (True, False):
        with monkeypatch.context() as patch:
            if not fold:
                _unfolded(patch)
            fused = snn_ipu.fuse(model())
            fused.reset_hidden()
            out = fused(x)
            out = out[0] + out[1] if isinstance(out, tuple) else out
            assert ("LifLinearFunctionBackward" in _graph_nodes(out)) == fold
            out.pow(2).sum().backward()
            results.append([out, fused[2].mem] + [p.grad for p in fused.parameters()])
    for a, b in zip(*results):
        close_to_round_off(a, b)
    assert torch.equal(results[0][0], results[1][0])  # the forward is the same bits
