"""Parameters given as Python numbers and a missing initial membrane
(mem=None) reach the kernels as numbers and as "no membrane" (zeros), and the
kernels give outputs shaped like the input. Each case is checked against an
independent path: the same call with the parameters as tensors or with an
explicit zero membrane (the tensor path), or snnTorch 1.0.0's Leaky loop.

Covered: number vs tensor parameters (float16/32/64, both autograd front
ends, forward and input gradient, bitwise); mem=None vs zeros (record_mem,
static input); numbers float32 cannot hold (threshold=1e39 is an infinite
threshold, beta=1e39 is refused in float32 and clamped to 1 in float64);
gradients of tensor parameters mixed with numbers, against snnTorch; output
shapes and the eager autograd node; lif_linear with numbers and mem=None.
"""
import pytest
import snntorch as snn
import torch
import torch.nn.functional as F

from snn_ipu import ops
from snn_ipu._lif import front_end
from support.lif_compare import check_against_snntorch, requiring_grad
from support.nonfinite import assert_equal_with_nan
from support.oracle import snntorch_lif

DTYPES = [torch.float16, torch.float32, torch.float64]
SHAPE = (8, 3, 20)  # [T, B, N]


def _dtype_id(dtype):
    return str(dtype).split(".")[-1]


def _current(shape, dtype=torch.float32, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return (torch.randn(shape, generator=gen) * 0.8 + 0.4).to(dtype)


def _as_tensor(value):
    # float64 holds the Python number exactly; ops.lif rounds it to the state
    # dtype as the number path does (torch.tensor(0.87), float32, would not
    # be the same value for a float64 input).
    return torch.tensor(value, dtype=torch.float64)


def _lif_node(tensor):
    """The autograd node that made ``tensor``, past view nodes (the custom
    op's outputs are reshaped after it)."""
    node = tensor.grad_fn
    while node is not None and type(node).__name__ == "ViewBackward0":
        node = node.next_functions[0][0]
    return type(node).__name__


def _run(x, *args, seed=1, **kwargs):
    """ops.lif's two outputs and the input's gradient for a seeded upstream
    gradient of both, after checking that the front end front_end.EAGER_CUSTOM_OP
    names made them."""
    x = x.detach().clone().requires_grad_()
    outputs = ops.lif(x, *args, **kwargs)
    expected = ("GeneratedBackwardFor_snn_ipu_neuron_forward_defaultBackward"
                if front_end.EAGER_CUSTOM_OP else "NeuronFunctionBackward")
    assert _lif_node(outputs[0]) == expected
    gen = torch.Generator().manual_seed(seed)
    upstream = [torch.randn(o.shape, generator=gen).to(o.dtype) for o in outputs]
    (grad,) = torch.autograd.grad(outputs, x, upstream)
    return [o.detach() for o in outputs] + [grad]


def _assert_same(actual, expected):
    for name, a, e in zip(("spikes", "membrane", "input gradient"), actual, expected):
        assert_equal_with_nan(a, e, name)


@pytest.mark.parametrize("record_mem", [True, False])
@pytest.mark.parametrize("dtype", DTYPES, ids=_dtype_id)
def test_number_parameters_equal_tensor_parameters(front_end, dtype, record_mem):
    x = _current(SHAPE, dtype)
    got = _run(x, 0.87, 1.1, graded_spikes_factor=0.5, record_mem=record_mem)
    want = _run(x, _as_tensor(0.87), _as_tensor(1.1), graded_spikes_factor=_as_tensor(0.5),
                record_mem=record_mem)
    assert got[0].any() and (got[0][got[0] != 0] == 0.5).all()  # graded spikes fired
    _assert_same(got, want)


@pytest.mark.parametrize("static", [False, True], ids=["time_varying", "static"])
@pytest.mark.parametrize("record_mem", [True, False])
@pytest.mark.parametrize("dtype", DTYPES, ids=_dtype_id)
def test_missing_membrane_equals_zero_membrane(front_end, dtype, record_mem, static):
    T, B, N = SHAPE
    x = _current((B, N) if static else SHAPE, dtype, seed=2)
    options = dict(record_mem=record_mem, num_steps=T if static else None)
    got = _run(x, 0.9, 0.8, None, **options)
    want = _run(x, 0.9, 0.8, torch.zeros(B, N), **options)
    assert got[0].shape[0] == T and got[0].any()
    _assert_same(got, want)


@pytest.mark.parametrize("reset", ["subtract", "zero", "none"])
@pytest.mark.parametrize("dtype", DTYPES[:2], ids=_dtype_id)
def test_threshold_beyond_float32_is_infinite(dtype, reset, front_end):
    # 1e39 rounds to inf in float32 (the state dtype of float16 too). With
    # subtract reset snnTorch's membrane is NaN (0 * inf): a threshold
    # clamped to FLT_MAX instead would leave it finite.
    x = _current(SHAPE, dtype, seed=3) * 4
    got = _run(x, 0.9, 1e39, reset_mechanism=reset)
    want = _run(x, 0.9, torch.tensor(float("inf")), reset_mechanism=reset)
    assert not got[0].any()
    _assert_same(got, want)


@pytest.mark.parametrize("name,value", [("threshold", 1e40), ("graded_spikes_factor", 2.0 ** 200),
                                        ("beta", 3.4028235e38)])
def test_numbers_beyond_float32_on_the_reference_path(name, value):
    """The reference path (here for a surrogate the kernels do not cover)
    makes numbers into tensors: beyond float32's range they are inf, as
    snnTorch's own tensors of them are, not an error."""
    x = _current(SHAPE, torch.float32, seed=4) * 4
    kwargs = {"beta": 0.9, name: value}
    beta = kwargs.pop("beta")
    spike_grad = snn.surrogate.custom_surrogate(lambda input_, grad, spikes: grad)
    with pytest.warns(ops.ReferencePathWarning):
        spk, mem = ops.lif(x, beta, spike_grad=spike_grad, **kwargs)
    as_tensors = {k: torch.tensor(v, dtype=torch.float32) for k, v in kwargs.items()}
    beta_t = torch.tensor(beta, dtype=torch.float32) if name == "beta" else beta
    with pytest.warns(ops.ReferencePathWarning):
        spk_t, mem_t = ops.lif(x, beta_t, spike_grad=spike_grad, **as_tensors)
    _assert_same([spk, mem], [spk_t, mem_t])


def test_threshold_1e39_stays_finite_in_float64():
    x = _current(SHAPE, torch.float64, seed=3) * 4
    got = _run(x, 0.9, 1e39)
    assert torch.isfinite(got[1]).all()
    _assert_same(got, _run(x, 0.9, _as_tensor(1e39)))


@pytest.mark.parametrize("dtype", DTYPES[:2], ids=_dtype_id)
def test_beta_beyond_float32_is_refused(dtype):
    with pytest.raises(ValueError, match="beta: expected finite values"):
        ops.lif(_current(SHAPE, dtype), 1e39)


def test_beta_1e39_in_float64_is_clamped_to_one(front_end):
    x = _current(SHAPE, torch.float64, seed=4)
    _assert_same(_run(x, 1e39, 0.7), _run(x, _as_tensor(1.0), 0.7))


def _per_neuron(seed, low, width):
    gen = torch.Generator().manual_seed(seed)
    return (torch.rand(SHAPE[-1], generator=gen) * width + low).requires_grad_()


MIXED = {
    # beta a one-element tensor, threshold a number, graded one per neuron.
    "beta_scalar_graded_per_neuron": lambda: dict(
        beta=torch.tensor(0.85, requires_grad=True), threshold=0.9,
        graded_spikes_factor=_per_neuron(5, 0.5, 1.0)),
    # numbers around a per-neuron threshold and a [B, N] initial membrane.
    "threshold_per_neuron_and_mem": lambda: dict(
        beta=0.8, threshold=_per_neuron(6, 0.75, 0.5), graded_spikes_factor=1.5,
        mem=torch.full(SHAPE[1:], 0.25, requires_grad=True)),
    # numbers but for a one-element graded factor.
    "graded_scalar": lambda: dict(beta=0.95, threshold=1.2,
                                  graded_spikes_factor=torch.tensor(0.75, requires_grad=True)),
}


@pytest.mark.parametrize("delay", [True, False])
@pytest.mark.parametrize("case", sorted(MIXED))
def test_tensor_parameter_gradients_next_to_numbers(front_end, case, delay):
    args = {"input_": _current(SHAPE, seed=7).requires_grad_(), **MIXED[case]()}
    grad_names = requiring_grad(args)
    assert len(grad_names) >= 2
    check_against_snntorch(args, grad_names, dict(delay=delay))


@pytest.mark.parametrize("shape,num_steps", [((5, 2, 3, 7), None), ((6, 11), None),
                                             ((2, 3, 7), 5)],
                         ids=["T_B_C_N", "T_N", "static_B_C_N"])
@pytest.mark.parametrize("record_mem", [True, False])
def test_outputs_shaped_like_the_input(front_end, shape, num_steps, record_mem):
    x = _current(shape, seed=8).requires_grad_()
    spk, second = ops.lif(x, 0.9, 0.6, record_mem=record_mem, num_steps=num_steps)
    out_shape = shape if num_steps is None else (num_steps, *shape)
    assert spk.shape == out_shape
    assert second.shape == (out_shape if record_mem else out_shape[1:])
    full = x.detach() if num_steps is None else x.detach().expand(out_shape)
    ref_spk, ref_mem = snntorch_lif(full, 0.9, threshold=0.6)
    assert torch.equal(spk, ref_spk)
    assert torch.equal(second, ref_mem if record_mem else ref_mem[-1])
    if front_end == "autograd_function":
        # The Function's node itself: the kernels shape the outputs, no view.
        assert type(spk.grad_fn).__name__ == "NeuronFunctionBackward"
        assert type(second.grad_fn).__name__ == "NeuronFunctionBackward"


def test_lif_linear_numbers_and_missing_membrane_equal_tensors():
    gen = torch.Generator().manual_seed(9)
    weight = torch.randn(4, 20, generator=gen).requires_grad_()
    bias = torch.randn(4, generator=gen)
    x = _current(SHAPE, seed=9)
    results = []
    for beta, threshold, graded, mem in ((0.87, 1.1, 0.5, None),
                                         (_as_tensor(0.87), _as_tensor(1.1), _as_tensor(0.5),
                                          torch.zeros(3, 20))):
        xi = x.clone().requires_grad_()
        out, mem_last = ops.lif_linear(xi, beta, threshold, mem, weight, bias,
                                       graded_spikes_factor=graded)
        (out.pow(2).sum() + mem_last.sum()).backward()
        results.append((out.detach(), mem_last.detach(), xi.grad, weight.grad.clone()))
        weight.grad = None
    for a, b in zip(*results):
        assert torch.equal(a, b)
    # and the docstring's promise: bitwise the two calls' forward
    spk, _ = ops.lif(x, 0.87, 1.1, graded_spikes_factor=0.5)
    assert torch.equal(results[0][0], F.linear(spk, weight.detach(), bias))
