"""Alpha's tau and Lapicque's constants (snn_ipu/_lif/derived.py): kept per
value where they depend on values alone, and then the same floats as the
torch operations that snnTorch runs give, for every kind of argument that
takes that path; everything else computed as before, with the same errors."""
import pytest
import torch

import snn_ipu
from snn_ipu._lif import derived
from support.models_compare import check_against_snntorch


@pytest.fixture(autouse=True)
def _empty_caches():
    derived._alpha_tau_of.cache_clear()
    derived._lapicque_of.cache_clear()
    yield


def _tensor_of(value, dtype):
    return torch.as_tensor(value, dtype=dtype)


@pytest.mark.parametrize("dtype", [torch.float16, torch.float32, torch.float64])
@pytest.mark.parametrize("alpha,beta", [
    (0.9, 0.8), (0.95, 0.5), (1.0, 0.3),  # alpha clamped to 1: log(1) = 0
    (torch.tensor(0.9), torch.tensor([0.8])), (torch.tensor([0.9], dtype=torch.float64), 0.7),
])
def test_alpha_tau_kept_per_value_equals_the_torch_operations(alpha, beta, dtype):
    x = torch.zeros(3, 2, dtype=dtype)
    state = torch.float64 if dtype == torch.float64 else torch.float32
    checked = [a if not isinstance(a, torch.Tensor) else a.to(state) for a in (alpha, beta)]
    got = derived.alpha_tau(*checked, x)
    assert isinstance(got, float)  # the kernels take it as a number
    # The oracle: snnTorch's expression on the decays as tensors of the
    # state dtype, as its layers hold them.
    a, b = (_tensor_of(v, state) for v in checked)
    log_a = torch.log(a.clamp(0, 1))
    want = log_a / (torch.log(b.clamp(0, 1)) - log_a) + 1
    assert torch.equal(torch.tensor(got, dtype=state).reshape(want.shape), want)
    assert derived.alpha_tau(*checked, x) == got  # a second call: from the cache
    assert derived._alpha_tau_of.cache_info().hits == 1


def test_alpha_tau_is_kept_per_state_dtype():
    tau32 = derived.alpha_tau(0.9, 0.8, torch.zeros(2))
    tau64 = derived.alpha_tau(0.9, 0.8, torch.zeros(2, dtype=torch.float64))
    assert tau32 != tau64  # float32 arithmetic is not float64's rounded
    assert tau64 == derived._alpha_tau(0.9, 0.8, torch.zeros(2, dtype=torch.float64)).item()


def test_alpha_tau_computed_each_call_where_it_needs_a_gradient_or_varies():
    x = torch.zeros(3, 4)
    alpha = torch.tensor(0.9, requires_grad=True)
    tau = derived.alpha_tau(alpha, 0.8, x)
    assert isinstance(tau, torch.Tensor) and tau.requires_grad  # tau's gradient reaches alpha
    per_neuron = derived.alpha_tau(torch.tensor([0.9, 0.95, 0.85, 0.9]), 0.8, x)
    assert isinstance(per_neuron, torch.Tensor) and per_neuron.shape == (4,)
    assert derived._alpha_tau_of.cache_info().currsize == 0


def test_alpha_checks_refuse_on_every_call():
    x = torch.randn(4, 3)
    for _ in range(2):  # a refusal is not kept as a value
        with pytest.raises(ValueError, match="alpha must be greater than beta"):
            snn_ipu.ops.alpha(x, 0.7, 0.8)
        with pytest.raises(ValueError, match="alpha must be greater than beta"):
            snn_ipu.ops.alpha(x, torch.tensor(0.7), torch.tensor(0.8))


def _lapicque_oracle(R, C, time_step, dtype):
    """snnTorch's constants as the kernels take them: each in the state dtype."""
    R, C, time_step = (v if isinstance(v, torch.Tensor) else torch.as_tensor(v)
                       for v in (R, C, time_step))
    rc = R * C
    return [w.to(dtype).reshape(()) for w in (R, 1 / rc, time_step, 1 - (time_step / rc))]


def _assert_lapicque_constants(got, R, C, time_step, dtype):
    assert all(isinstance(v, (int, float)) for v in got)
    for g, w in zip(got, _lapicque_oracle(R, C, time_step, dtype)):
        assert torch.equal(torch.tensor(g, dtype=dtype), w), (g, w)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("R,C,time_step", [
    (5.1, 5e-3, 1e-3), (5, 2, 1), (3, 5e-3, 1.0),  # ints stay integer tensors
    (-0.0, 5e-3, 1e-3), (0.0, 5e-3, 1e-3),  # 1/(R*C): -inf and inf
    (torch.tensor(5.1, dtype=torch.float64), torch.tensor([5e-3]), 1e-3),
    (torch.tensor(7), 0.25, torch.tensor(0.5, dtype=torch.float16)),
])
def test_lapicque_constants_kept_per_value_equal_the_torch_operations(R, C, time_step, dtype):
    x = torch.zeros(3, 2, dtype=dtype)
    got = derived.lapicque_constants(R, C, time_step, x, step_dims=1)
    _assert_lapicque_constants(got, R, C, time_step, dtype)
    assert derived.lapicque_constants(R, C, time_step, x, step_dims=1) == got


def test_values_that_compare_equal_are_kept_apart():
    # One after another, the cache not cleared: each key must tell them
    # apart (-0.0 == 0.0; a [1] tensor and a 0-d one of the same value
    # promote differently; float32 and float64 states).
    x32, x64 = torch.zeros(3, 2), torch.zeros(3, 2, dtype=torch.float64)
    sequence = [
        (0.0, 5e-3, 1e-3, x32), (-0.0, 5e-3, 1e-3, x32),
        (torch.tensor([5.1], dtype=torch.float16), torch.tensor([5e-3]), 1e-3, x32),
        (torch.tensor(5.1, dtype=torch.float16), torch.tensor([5e-3]), 1e-3, x32),
        (5.1, 5e-3, 1e-3, x64),
    ]
    for R, C, time_step, x in sequence:
        got = derived.lapicque_constants(R, C, time_step, x, step_dims=1)
        _assert_lapicque_constants(got, R, C, time_step, x.dtype)
    assert derived._lapicque_of.cache_info().currsize == len(sequence)


def test_lapicque_integer_beyond_float32_rounds_once_as_in_snntorch():
    # An int64 R (and time_step) goes to float32 in one rounding, as
    # snnTorch's tensors do, not through a double first.
    big = 2 ** 60 + 2 ** 36 + 1
    x = (torch.randn(6, 2, 3, generator=torch.Generator().manual_seed(4)) * 4).requires_grad_()
    for R in (big, torch.tensor(big)):
        check_against_snntorch("lapicque", dict(input_=x, R=R, C=1 / big, time_step=1,
                                                threshold=0.5), ["input_"], {})


def test_lapicque_constants_needing_a_gradient_are_computed_each_call():
    x = torch.randn(4, 3)
    R = torch.tensor(5.1, requires_grad=True)
    constants = derived.lapicque_constants(R, 5e-3, 1e-3, x, step_dims=1)
    assert all(isinstance(c, torch.Tensor) for c in constants)
    assert constants[1].requires_grad  # 1/(R*C) carries R's gradient
    assert derived._lapicque_of.cache_info().currsize == 0


@pytest.mark.parametrize("R,message", [
    (torch.tensor(5.1 + 0j), r"R: expected a real tensor, got dtype torch.complex64"),
    (torch.tensor(True), r"R: expected a real tensor, got dtype torch.bool"),
])
def test_lapicque_constant_of_a_wrong_dtype_is_named(R, message):
    with pytest.raises(TypeError, match=message):
        snn_ipu.ops.lapicque(torch.randn(4, 3), R, 5e-3)


def test_lapicque_constants_follow_the_default_dtype():
    x = torch.zeros(3, 2, dtype=torch.float64)
    as_float32 = derived.lapicque_constants(5.1, 5e-3, 1e-3, x, step_dims=1)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:  # torch.as_tensor(5.1) is then float64, as in snnTorch
        as_float64 = derived.lapicque_constants(5.1, 5e-3, 1e-3, x, step_dims=1)
    finally:
        torch.set_default_dtype(previous)
    assert as_float64[0] == 5.1 and as_float32[0] == float(torch.tensor(5.1))


def test_lapicque_constant_with_more_dimensions_than_a_step_is_still_refused():
    x = torch.randn(4, 3)  # a step is [3]: a [1, 1] R is not broadcastable to it
    with pytest.raises(ValueError, match=r"R: shape \(1, 1\) is not broadcastable"):
        snn_ipu.ops.lapicque(x, torch.tensor([[5.1]]), 5e-3)


@pytest.mark.parametrize("model,params", [
    ("alpha", dict(alpha=torch.tensor(0.9), beta=torch.tensor([0.7]), threshold=0.5)),
    ("lapicque", dict(R=torch.tensor(5.1), C=torch.tensor(5e-3), time_step=1e-3,
                      threshold=torch.tensor(0.5))),
])
def test_one_element_tensor_parameters_match_snntorch(model, params):
    # What snn_ipu.nn's layers pass (their buffers): the values kept as
    # numbers, the results still snnTorch's, bit for bit.
    gen = torch.Generator().manual_seed(3)
    scale = 4.0 if model == "lapicque" else 1.0
    x = ((torch.randn(9, 3, 5, generator=gen) * 0.8 + 0.4) * scale).requires_grad_()
    for _ in range(2):  # computed, then from the cache
        check_against_snntorch(model, dict(input_=x, **params), ["input_"], {})
    cache = derived._alpha_tau_of if model == "alpha" else derived._lapicque_of
    assert cache.cache_info().hits >= 1
