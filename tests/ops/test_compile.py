"""torch.compile(fullgraph=True) of a fused model: no graph breaks (the op is
a torch.library custom op with a fake implementation and an autograd
formula), and the same results as eager."""
import pytest
import snntorch as snn
import torch
from torch import nn

import snn_ipu
from snn_ipu._lif import library as _library
from snn_ipu._lif.models import MODELS

pytestmark = pytest.mark.skipif(not _library.AVAILABLE,
                                reason="torch.library.custom_op needs torch >= 2.4")


def _model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 30),
                         snn.Leaky(beta=0.9, init_hidden=True),
                         nn.Linear(30, 10),
                         snn.Leaky(beta=0.8, init_hidden=True, output=True,
                                   spike_grad=snn.surrogate.sigmoid(slope=5)))


def _fused_step(monkeypatch, num_steps):
    """The fused model, and a loss step over a static input for it."""
    # Under torch.compile fuse runs the Leaky and the Linear after it as two
    # calls (ops.lif_linear steps aside); eager must too for a bitwise
    # comparison (the fold itself is compared with two calls in
    # test_lif_linear.py, to round-off).
    monkeypatch.setattr(snn_ipu.ops, "LIF_LINEAR_MAX_OUTPUTS", 0)
    fused = snn_ipu.fuse(_model())

    def step(x):
        snn.Leaky.reset_hidden()
        spk, mem = fused(x, num_steps=num_steps)
        return spk.sum() + mem.pow(2).mean()

    return fused, step


def test_fused_model_compiles_without_graph_breaks_and_matches_eager(monkeypatch):
    fused, step = _fused_step(monkeypatch, num_steps=6)
    x = torch.rand(8, 1, 8, 8)
    eager = step(x)
    grads = torch.autograd.grad(eager, list(fused.parameters()))
    explanation = torch._dynamo.explain(step)(x)
    assert explanation.graph_break_count == 0, explanation.break_reasons
    # aot_eager traces forward and backward through the fake implementations
    # and the registered autograd formula, as inductor would, without
    # spending CI time generating C++.
    compiled = torch.compile(step, fullgraph=True, backend="aot_eager")
    out = compiled(x)
    grads_c = torch.autograd.grad(out, list(fused.parameters()))
    assert torch.equal(out, eager)
    for a, b in zip(grads_c, grads):
        assert torch.equal(a, b)


def test_fused_model_compiles_with_hooks_on_every_module(monkeypatch):
    # Profilers register hooks for every module. A fused model's Leaky layers
    # skip them, and say so in a warning that names the user's line by
    # walking the stack: torch.compile cannot trace that walk, so it runs once,
    # for real, while the call is traced, and the model still compiles whole.
    from torch.nn.modules.module import register_module_forward_hook

    _, step = _fused_step(monkeypatch, num_steps=4)
    x = torch.rand(8, 1, 8, 8)
    seen = []
    handle = register_module_forward_hook(lambda module, inputs, output: seen.append(module))
    try:
        with pytest.warns(UserWarning, match="hooks registered for every module"):
            eager = step(x)
        torch._dynamo.reset()
        with pytest.warns(UserWarning, match="hooks registered for every module") as traced:
            out = torch.compile(step, fullgraph=True, backend="aot_eager")(x)
    finally:
        handle.remove()
    assert torch.equal(out, eager)
    assert any(isinstance(m, nn.Linear) for m in seen)
    assert {w.filename for w in traced} == {__file__}


def test_fused_model_compiles_with_a_changing_num_steps(monkeypatch):
    # The second count makes torch.compile recompile with num_steps as a
    # symbolic int: its checks must be traceable on one (no getattr).
    fused, _ = _fused_step(monkeypatch, num_steps=None)
    x = torch.rand(8, 1, 8, 8)

    def f(x, num_steps):
        snn.Leaky.reset_hidden()
        spk, mem = fused(x, num_steps=num_steps)
        return spk.sum() + mem.pow(2).mean()

    compiled = torch.compile(f, fullgraph=True, backend="aot_eager")
    for num_steps in (4, 6, 5):
        assert torch.equal(compiled(x, num_steps), f(x, num_steps))


def test_ops_lif_under_compile_with_time_varying_input():
    x = torch.randn(7, 4, 5, requires_grad=True)
    beta = torch.rand(5, requires_grad=True)

    def f(x, beta):
        spk, mem = snn_ipu.ops.lif(x, beta, record_mem=True)
        return (spk * 2).sum() + mem.sum()

    eager = torch.autograd.grad(f(x, beta), (x, beta))
    compiled = torch.compile(f, fullgraph=True, backend="aot_eager")
    got = torch.autograd.grad(compiled(x, beta), (x, beta))
    for a, b in zip(got, eager):
        assert torch.equal(a, b)


@pytest.mark.parametrize("model", sorted(MODELS))
@pytest.mark.parametrize("record_states", [True, False])
def test_custom_op_passes_torch_library_opcheck(model, record_states):
    if not hasattr(torch.library, "opcheck"):
        pytest.skip("torch.library.opcheck needs torch >= 2.4")
    spec = MODELS[model]
    current = torch.randn(6, 10)
    states = [torch.zeros(10) for _ in spec.states]
    # Per-neuron and shared parameters; decays in (0, 1) and a positive tau.
    params = [torch.rand(10) * 0.5 + 0.25 if i % 2 else torch.full((1,), 0.5)
              for i in range(len(spec.params))]
    args = (current, states, params, spec.id, 0, True, 0, 2.0, 0.0, 1, record_states, None)
    torch.library.opcheck(torch.ops.snn_ipu.neuron_forward.default, args,
                          test_utils=("test_schema", "test_faketensor"))


@pytest.mark.parametrize("record_mem,static", [(True, False), (False, False), (True, True),
                                               (False, True)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.float64])
@pytest.mark.parametrize("params_need_grad", [True, False])
@pytest.mark.parametrize("loss_on", ["both", "spikes"])
def test_eager_front_ends_give_the_same_bits(monkeypatch, record_mem, static, dtype,
                                             params_need_grad, loss_on):
    # Eager calls take the torch.autograd.Function; torch.compile takes the
    # custom op. Both must be the same kernels with the same gradients, with
    # or without parameter gradients (param_grads), and when only the spikes
    # get an upstream gradient (the custom op fills absent ones with zeros,
    # the Function passes None).
    torch.manual_seed(1)
    cur = (torch.randn(5, 3, 40) * 0.8 + 0.3).to(dtype)
    if static:
        cur = cur[0]
    state = torch.float64 if dtype == torch.float64 else torch.float32
    beta = torch.full((40,), 0.85, dtype=state)
    threshold = (torch.rand(3, 40) * 0.5 + 0.75).to(state)
    graded = torch.full((40,), 1.5, dtype=state)
    mem = torch.randn(3, 40, dtype=state)
    results = []
    custom_op_calls = []
    apply = snn_ipu._lif.library.apply
    monkeypatch.setattr(snn_ipu._lif.library, "apply",
                        lambda *args: custom_op_calls.append(1) or apply(*args))
    for custom_op in (False, True):
        monkeypatch.setattr(snn_ipu._lif.front_end, "EAGER_CUSTOM_OP", custom_op)
        x = cur.clone().requires_grad_()
        params = [p.clone().requires_grad_(params_need_grad) for p in (beta, threshold, graded)]
        mem0 = mem.clone().requires_grad_()
        spk, second = snn_ipu.ops.lif(x, params[0], params[1], mem0, record_mem=record_mem,
                                      graded_spikes_factor=params[2],
                                      num_steps=5 if static else None)
        loss = spk.float().pow(2).sum()
        if loss_on == "both":
            loss = loss + second.float().pow(2).sum()
        loss.backward()
        grads = [t.grad for t in [x, mem0] + params]
        results.append([spk, second] + grads)
    assert len(custom_op_calls) == 1  # the second call, and only it, took the custom op
    for a, c in zip(*results):
        assert (a is None and c is None) or torch.equal(a, c)
    assert results[0][2] is not None and results[0][2].abs().sum() > 0


# The exact reference path (what the kernels do not cover) is plain torch, as
# snnTorch's own loop is: models that compiled whole with snnTorch must
# compile whole with snn_ipu too, warning included. (state_quant is not
# among them: snnTorch's quantiser itself breaks the graph, at a tolist().)
_REFERENCE_NEURONS = {
    "surrogate_disable": lambda: dict(surrogate_disable=True),
    "custom_surrogate": lambda: dict(
        spike_grad=snn.surrogate.custom_surrogate(lambda input_, grad_input, spk: grad_input)),
    "sso": lambda: dict(spike_grad=snn.surrogate.SSO(mean=0.0, variance=0.0)),
    "inhibition": lambda: dict(inhibition=True),
}


@pytest.mark.filterwarnings("ignore:Inhibition is an unstable feature")  # snnTorch's own
@pytest.mark.parametrize("options", sorted(_REFERENCE_NEURONS))
def test_reference_path_compiles_without_graph_breaks(options):
    import warnings

    from snntorch import utils

    def make():
        torch.manual_seed(0)
        return snn_ipu.nn.Leaky(beta=0.5, step_mode="multi", **_REFERENCE_NEURONS[options]())

    x = torch.rand(6, 3, 5) * 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", snn_ipu.ReferencePathWarning)
        torch._dynamo.reset()
        explanation = torch._dynamo.explain(make())(x)
        assert explanation.graph_break_count == 0, explanation.break_reasons
        eager_neuron, compiled_neuron = make(), make()
        utils.reset(eager_neuron)
        eager = eager_neuron(x)
    torch._dynamo.reset()
    with pytest.warns(snn_ipu.ReferencePathWarning) as traced:
        compiled = torch.compile(compiled_neuron, fullgraph=True, backend="eager")(x)
    assert {w.filename for w in traced} == {__file__}  # the line that called the model
    for a, b in zip(compiled, eager):
        assert torch.equal(a, b)


def test_ops_lif_reference_path_compiles_whole_with_gradients():
    spike_grad = snn.surrogate.custom_surrogate(lambda input_, grad_input, spk: grad_input * 0.5)
    x = torch.randn(7, 4, 5, requires_grad=True)

    def f(x):
        spk, mem = snn_ipu.ops.lif(x, 0.9, spike_grad=spike_grad)
        return (spk * 2).sum() + mem.pow(2).sum()

    with pytest.warns(snn_ipu.ReferencePathWarning):
        eager = torch.autograd.grad(f(x), x)
    torch._dynamo.reset()
    with pytest.warns(snn_ipu.ReferencePathWarning):
        compiled = torch.autograd.grad(
            torch.compile(f, fullgraph=True, backend="aot_eager")(x), x)
    assert torch.equal(compiled[0], eager[0])


def test_fused_model_with_a_reference_neuron_compiles_whole():
    from snntorch import utils

    def make():
        torch.manual_seed(0)
        return snn_ipu.fuse(nn.Sequential(
            nn.Linear(5, 6), snn.Leaky(beta=0.9, init_hidden=True, surrogate_disable=True),
            nn.Linear(6, 3), snn.Leaky(beta=0.8, init_hidden=True, output=True)))

    x = torch.rand(6, 4, 5) * 2
    eager_model, compiled_model = make(), make()
    utils.reset(eager_model)
    with pytest.warns(snn_ipu.ReferencePathWarning):
        eager = eager_model(x)
    torch._dynamo.reset()
    utils.reset(compiled_model)
    with pytest.warns(snn_ipu.ReferencePathWarning):
        compiled = torch.compile(compiled_model, fullgraph=True, backend="aot_eager")(x)
    for a, b in zip(compiled, eager):
        assert torch.equal(a, b)
