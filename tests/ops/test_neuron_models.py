"""ops.synaptic, ops.alpha, ops.lapicque, ops.rleaky and ops.rsynaptic against
snnTorch 1.0.0's Synaptic, Alpha, Lapicque, RLeaky and RSynaptic
(all_to_all=False) layers run step by step (the oracle,
support/models_compare.py): forward bitwise, gradients to round-off, for every
reset mode and reset_delay, every surrogate, every dtype, shared and
per-neuron parameters that require grad, given and absent initial states,
static inputs, strided inputs and both record settings."""
import warnings
import zlib

import pytest
import torch

import snn_ipu
from support.models_compare import MODELS, check_against_snntorch
from support.oracle import SURROGATE_FACTORIES


def _params(model, n, per_neuron, requires_grad, dtype=torch.float32, seed=0):
    gen = torch.Generator().manual_seed(seed)

    def value(low, high, scalar):
        if not per_neuron and not requires_grad:
            return scalar
        shape = (n,) if per_neuron else ()
        t = (torch.rand(shape, generator=gen) * (high - low) + low).to(dtype)
        return t.requires_grad_(requires_grad)

    if model == "synaptic":
        return dict(alpha=value(0.5, 0.95, 0.8), beta=value(0.6, 0.95, 0.9),
                    threshold=value(0.8, 1.2, 1.0))
    if model == "rleaky":
        return dict(beta=value(0.6, 0.95, 0.9), V=value(-0.6, 0.6, 0.3),
                    threshold=value(0.8, 1.2, 1.0))
    if model == "rsynaptic":
        return dict(alpha=value(0.5, 0.95, 0.8), beta=value(0.6, 0.95, 0.9),
                    V=value(-0.6, 0.6, -0.2), threshold=value(0.8, 1.2, 1.0))
    if model == "alpha":
        # alpha > beta everywhere, as snnTorch requires.
        return dict(alpha=value(0.85, 0.95, 0.9), beta=value(0.5, 0.8, 0.7),
                    threshold=value(0.3, 0.6, 0.5))
    return dict(R=value(2.0, 6.0, 5.1), C=value(4e-3, 6e-3, 5e-3),
                time_step=value(0.9e-3, 1.1e-3, 1e-3), threshold=value(0.4, 0.6, 0.5))


def _args(model, shape=(9, 3, 5), per_neuron=False, params_grad=False, states=False,
          dtype=torch.float32, seed=0, scale=None, static=False):
    gen = torch.Generator().manual_seed(seed)
    if scale is None:  # Lapicque scales its input by R*dt/(R*C) = 0.2: drive it harder
        scale = 4.0 if model == "lapicque" else 1.0
    x = ((torch.randn(shape, generator=gen) * 0.8 + 0.4) * scale).to(dtype).requires_grad_()
    args = dict(input_=x, **_params(model, shape[-1], per_neuron, params_grad, seed=seed + 1))
    if states:
        # One step's shape: a static input's whole shape. (snnTorch replaces
        # a state of another shape with zeros.)
        step_shape = shape if static else shape[1:]
        for name in MODELS[model]["states"]:
            state = torch.float64 if dtype == torch.float64 else torch.float32
            args[name] = (torch.randn(step_shape, generator=gen) * 0.5).to(state).requires_grad_()
    return args


def _seed(*case):
    """A seed of the case's own, the same in every run (str's hash() is salted
    per process)."""
    return zlib.crc32(repr(case).encode()) % 1000


def _grad_names(args):
    return [k for k, v in args.items() if isinstance(v, torch.Tensor) and v.requires_grad]


def _resets(model):
    return ["subtract", "zero", "none"]


CASES = [(m, r, d) for m in MODELS for r in _resets(m)
         for d in ((True, False) if MODELS[m]["reset_delay"] and r != "none" else (True,))]


@pytest.mark.parametrize("model,reset,delay", CASES)
@pytest.mark.parametrize("per_neuron", [False, True])
def test_matches_snntorch(model, reset, delay, per_neuron):
    args = _args(model, per_neuron=per_neuron, params_grad=True, states=True,
                 seed=_seed(model, reset, delay, per_neuron))
    check_against_snntorch(model, args, _grad_names(args), dict(reset=reset, delay=delay))


@pytest.mark.parametrize("model,reset,delay", CASES)
def test_matches_snntorch_without_parameter_gradients(model, reset, delay):
    # The backward then stores fewer of its recomputed planes, packed one
    # after another (Synaptic and RLeaky with reset_delay=False: the membrane
    # and the pre-reset one, past the unstored synaptic current or spike).
    args = _args(model, states=True, seed=_seed(model, reset, delay, "no parameter gradients"))
    check_against_snntorch(model, args, _grad_names(args), dict(reset=reset, delay=delay))


@pytest.mark.parametrize("model", sorted(MODELS))
@pytest.mark.parametrize("surrogate", sorted(set(SURROGATE_FACTORIES) - {"atan"}))
def test_every_surrogate(model, surrogate):
    args = _args(model, params_grad=True, seed=3)
    check_against_snntorch(model, args, _grad_names(args), dict(surrogate=surrogate))


@pytest.mark.parametrize("model", sorted(MODELS))
@pytest.mark.parametrize("dtype", [torch.float16, torch.float64])
def test_other_dtypes(model, dtype):
    args = _args(model, dtype=dtype, states=True, seed=4)
    check_against_snntorch(model, args, _grad_names(args), {})


@pytest.mark.parametrize("model", sorted(MODELS))
@pytest.mark.parametrize("record", [True, False])
def test_static_input_and_records(model, record):
    args = _args(model, shape=(4, 6), params_grad=True, states=True, seed=5, static=True)
    check_against_snntorch(model, args, _grad_names(args), dict(num_steps=7, record=record))


@pytest.mark.parametrize("model", sorted(MODELS))
def test_strided_input_and_one_thread(model):
    args = _args(model, shape=(8, 5, 4), seed=6)
    base = args["input_"].detach()
    args["input_"] = base.transpose(1, 2).contiguous().transpose(1, 2).requires_grad_()
    assert not args["input_"].is_contiguous()
    check_against_snntorch(model, args, _grad_names(args), dict(threads=1))


@pytest.mark.parametrize("model", sorted(MODELS))
def test_record_state_false_returns_the_last_states(model):
    args = _args(model, seed=7)
    run = MODELS[model]["op"]()
    params = [args[p] for p in MODELS[model]["params"]]
    recorded = run(args["input_"], *params)
    last = run(args["input_"], *params, record_state=False)
    # The recurrent models' spike state is the spikes' last step, not an output.
    outputs = 1 + len(MODELS[model]["states"]) - bool(MODELS[model].get("recurrent"))
    assert len(recorded) == len(last) == outputs
    assert torch.equal(recorded[0], last[0])
    for rec, final in zip(recorded[1:], last[1:]):
        assert torch.equal(rec[-1], final)


def test_continuing_from_the_returned_states_equals_one_call():
    x = torch.randn(12, 3, 4) + 0.5
    whole = snn_ipu.ops.synaptic(x, 0.8, 0.9)
    first = snn_ipu.ops.synaptic(x[:5], 0.8, 0.9, record_state=False)
    second = snn_ipu.ops.synaptic(x[5:], 0.8, 0.9, 1.0, *first[1:])
    assert torch.equal(torch.cat([first[0], second[0]]), whole[0])
    for rec, part in zip(whole[1:], second[1:]):
        assert torch.equal(rec[5:], part)


def test_recurrent_continuing_from_the_returned_states_equals_one_call():
    # The carried spike after a call is its spikes' last step.
    x = torch.randn(12, 3, 4) + 0.5
    whole = snn_ipu.ops.rleaky(x, 0.8, -0.7)
    first = snn_ipu.ops.rleaky(x[:5], 0.8, -0.7, record_state=False)
    second = snn_ipu.ops.rleaky(x[5:], 0.8, -0.7, 1.0, first[0][-1], first[1])
    assert torch.equal(torch.cat([first[0], second[0]]), whole[0])
    assert torch.equal(whole[1][5:], second[1])
    whole = snn_ipu.ops.rsynaptic(x, 0.7, 0.8, 0.6)
    first = snn_ipu.ops.rsynaptic(x[:5], 0.7, 0.8, 0.6, record_state=False)
    second = snn_ipu.ops.rsynaptic(x[5:], 0.7, 0.8, 0.6, 1.0, first[0][-1], *first[1:])
    assert torch.equal(torch.cat([first[0], second[0]]), whole[0])
    for rec, part in zip(whole[1:], second[1:]):
        assert torch.equal(rec[5:], part)


def test_rsynaptic_reset_delay_false_warns_once_and_changes_nothing():
    from snn_ipu import ops

    x = torch.randn(9, 3, 4) * 2
    ops._warned_rsynaptic_reset_delay = False
    with pytest.warns(ops.NoEffectWarning, match="reset_delay=False has no effect"):
        out = ops.rsynaptic(x, 0.7, 0.8, 0.6, reset_delay=False, reset_mechanism="zero")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = ops.rsynaptic(x, 0.7, 0.8, 0.6, reset_delay=False, reset_mechanism="zero")
    for a, b, c in zip(out, again, ops.rsynaptic(x, 0.7, 0.8, 0.6, reset_mechanism="zero")):
        assert torch.equal(a, c) and torch.equal(b, c)
    with pytest.raises(TypeError, match="reset_delay: expected True or False"):
        ops.rsynaptic(x, 0.7, 0.8, 0.6, reset_delay=0)


@pytest.mark.parametrize("model", sorted(MODELS))
def test_custom_surrogate_takes_the_reference_path(model):
    import snntorch as snn

    args = _args(model, seed=8)
    spike_grad = snn.surrogate.custom_surrogate(lambda input_, grad_input, spk: grad_input)
    run = MODELS[model]["op"]()
    params = [args[p] for p in MODELS[model]["params"]]
    with pytest.warns(snn_ipu.ReferencePathWarning, match=f"snn_ipu.ops.{model}: spike_grad"):
        out = run(args["input_"], *params, spike_grad=spike_grad)
    kernels = run(args["input_"], *params)
    for a, b in zip(out, kernels):
        assert torch.equal(a, b)  # the same forward: the surrogate only shapes gradients


@pytest.mark.parametrize("model", sorted(MODELS))
def test_bfloat16_runs_as_float32(model):
    args = _args(model, seed=9)
    run = MODELS[model]["op"]()
    params = [args[p] for p in MODELS[model]["params"]]
    x = args["input_"].detach()
    half = run(x.bfloat16(), *params)
    full = run(x.bfloat16().float(), *params)
    for a, b in zip(half, full):
        assert a.dtype == torch.bfloat16 and torch.equal(a, b.bfloat16())


@pytest.mark.parametrize("call,error,message", [
    (lambda x: snn_ipu.ops.synaptic(x, float("nan"), 0.9), ValueError, "alpha: expected finite"),
    (lambda x: snn_ipu.ops.synaptic(x, 0.9, torch.tensor([float("inf")])), ValueError,
     "beta: expected finite"),
    (lambda x: snn_ipu.ops.synaptic(x, 0.9, 0.8, syn=torch.zeros(5)), ValueError,
     "syn: shape"),
    (lambda x: snn_ipu.ops.synaptic(x, 0.9, 0.8, reset_mechanism="soft"), ValueError,
     "reset_mechanism"),
    (lambda x: snn_ipu.ops.synaptic(x, 0.9, 0.8, record_state=1), TypeError,
     "record_state: expected True or False"),
    (lambda x: snn_ipu.ops.alpha(x, 0.7, 0.8), ValueError, "alpha must be greater than beta"),
    (lambda x: snn_ipu.ops.alpha(x, 0.9, torch.tensor(1.0)), ValueError,
     "alpha must be greater than beta|beta: cannot be 1"),
    (lambda x: snn_ipu.ops.alpha(x, 0.9, 0.5, syn_inh="zero"), TypeError,
     "syn_inh: expected None or a tensor"),
    (lambda x: snn_ipu.ops.lapicque(x, "1", 2.0), TypeError, "R: expected a number"),
    (lambda x: snn_ipu.ops.lapicque(x, 1.0, True), TypeError, "C: expected a number"),
    (lambda x: snn_ipu.ops.lapicque(x, 1.0, 2.0, mem=torch.zeros(2, 2)), ValueError,
     "mem: shape"),
    (lambda x: snn_ipu.ops.rleaky(x, float("inf"), 0.5), ValueError, "beta: expected finite"),
    (lambda x: snn_ipu.ops.rleaky(x, 0.9, "0.5"), TypeError, "V: expected a number"),
    (lambda x: snn_ipu.ops.rleaky(x, 0.9, torch.ones(4)), ValueError, "V: shape"),
    (lambda x: snn_ipu.ops.rleaky(x, 0.9, 0.5, spk=torch.zeros(2, 2)), ValueError,
     "spk: shape"),
    (lambda x: snn_ipu.ops.rsynaptic(x, 0.9, 0.8, 0.5, syn="zero"), TypeError,
     "syn: expected None or a tensor"),
    (lambda x: snn_ipu.ops.rsynaptic(x, float("nan"), 0.8, 0.5), ValueError,
     "alpha: expected finite"),
])
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call(torch.randn(4, 3))


def test_alpha_with_beta_one_is_refused_as_snntorch_refuses_it():
    # alpha and beta are both clamped to 1 here: refused as alpha <= beta,
    # as snnTorch's check of the clamped alpha refuses it.
    with pytest.raises(ValueError, match="alpha must be greater than beta"):
        snn_ipu.ops.alpha(torch.randn(4, 3), torch.tensor(1.5), 1.0)


@pytest.mark.parametrize("model", sorted(MODELS))
def test_nonfinite_inputs_propagate_as_in_snntorch(model):
    args = _args(model, params_grad=True, states=True, seed=10)
    x = args["input_"].detach().clone()
    x[2, 0, 1] = float("nan")
    x[4, 1, 2] = float("inf")
    x[5, 2, 3] = float("-inf")
    args["input_"] = x.requires_grad_()
    check_against_snntorch(model, args, _grad_names(args), {})


@pytest.mark.parametrize("model", sorted(MODELS))
def test_memory_check_refuses_before_allocating(model):
    run = MODELS[model]["op"]()
    args = _args(model, seed=11)
    params = [args[p] for p in MODELS[model]["params"]]
    with pytest.raises(MemoryError, match="needs"):
        run(torch.randn(2, 1000), *params, num_steps=10 ** 9)


@pytest.mark.parametrize("model", sorted(MODELS))
def test_compiles_whole_and_matches_eager(model):
    from snn_ipu._lif import library

    if not library.AVAILABLE:
        pytest.skip("torch.library.custom_op needs torch >= 2.4")
    args = _args(model, per_neuron=True, params_grad=True, states=True, seed=12)
    run = MODELS[model]["op"]()
    names = MODELS[model]["params"] + MODELS[model]["states"]
    leaves = [args["input_"]] + [args[n] for n in names]

    def f(*leaves):
        out = run(leaves[0], *leaves[1:])
        return sum((o * (i + 1)).pow(2).sum() for i, o in enumerate(out))

    eager = torch.autograd.grad(f(*leaves), leaves)
    torch._dynamo.reset()
    explanation = torch._dynamo.explain(f)(*leaves)
    assert explanation.graph_break_count == 0, explanation.break_reasons
    compiled = torch.compile(f, fullgraph=True, backend="aot_eager")
    got = torch.autograd.grad(compiled(*leaves), leaves)
    for a, b in zip(got, eager):
        assert torch.equal(a, b)


@pytest.mark.parametrize("model", sorted(MODELS))
def test_debug_mode_gives_the_same_results(model):
    # NaN-filled outputs and shuffled workers: a vertex that read an output
    # or depended on worker order would give another answer.
    args = _args(model, shape=(6, 7, 70), per_neuron=True, params_grad=True, states=True,
                 seed=13)
    run = MODELS[model]["op"]()
    names = MODELS[model]["params"] + MODELS[model]["states"]
    leaves = [args["input_"]] + [args[n] for n in names]
    results = []
    for debug in (False, True):
        with snn_ipu.debug_mode(debug):
            out = run(leaves[0], *leaves[1:])
            grads = torch.autograd.grad(sum((o * (i + 1)).sum() for i, o in enumerate(out)),
                                        leaves)
        results.append(list(out) + list(grads))
    for a, b in zip(*results):
        assert torch.equal(a, b)
