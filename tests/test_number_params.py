"""Parameters given as Python numbers: ops.lif keeps one tensor per value
(and one zero initial membrane per layer size) across calls. Repeated and
interleaved calls must give what snnTorch gives for each call's own values."""
import math

import pytest
import torch

from snn_ipu import ops
from oracle import snntorch_lif


def _current(seed, shape=(6, 3, 5)):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=gen) * 0.8 + 0.4


@pytest.mark.parametrize("beta", [0.9, 1.5, -0.5, 0])
def test_repeated_calls_match_snntorch(beta):
    # 1.5 and -0.5 are clamped to [0, 1], by the kernels alone when beta is
    # a number (no gradient needs the clamp's mask).
    for seed in range(3):
        x = _current(seed)
        spk, mem = ops.lif(x, beta, threshold=0.7)
        ref_spk, ref_mem = snntorch_lif(x, beta, threshold=0.7)
        assert torch.equal(spk, ref_spk) and torch.equal(mem, ref_mem)


def test_signed_zero_graded_factors_are_kept_apart():
    # -0.0 == 0.0, but spikes scaled by them differ in sign: a cache keyed by
    # value alone would hand one call the other's tensor.
    x = _current(1)
    for graded in (0.0, -0.0, 0.0, -0.0):
        spk, _ = ops.lif(x, 0.9, graded_spikes_factor=graded)
        ref, _ = snntorch_lif(x, 0.9, graded_spikes_factor=graded)
        assert torch.equal(torch.signbit(spk), torch.signbit(ref))
        assert bool(torch.signbit(spk).all()) == (math.copysign(1.0, graded) < 0)


def test_alternating_values_match_snntorch():
    x = _current(2)
    for threshold in (1.0, 0.5, 1.0, 0.25, 0.5):
        spk, mem = ops.lif(x, 0.8, threshold=threshold)
        ref_spk, ref_mem = snntorch_lif(x, 0.8, threshold=threshold)
        assert torch.equal(spk, ref_spk) and torch.equal(mem, ref_mem)


def test_int_and_float_of_one_value_agree():
    x = _current(3)
    a = ops.lif(x, 0.9, threshold=1)
    b = ops.lif(x, 0.9, threshold=1.0)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])


def test_nan_values_are_not_kept():
    x = _current(4)
    ops.lif(x, 0.9, threshold=float("nan"))
    kept = len(ops._NUMBER_TENSORS)
    for _ in range(3):
        spk, mem = ops.lif(x, 0.9, threshold=float("nan"))
    assert len(ops._NUMBER_TENSORS) == kept
    ref_spk, ref_mem = snntorch_lif(x, 0.9, threshold=float("nan"))
    assert torch.equal(spk, ref_spk)
    assert torch.equal(torch.isnan(mem), torch.isnan(ref_mem))


def test_kept_tensors_are_bounded():
    x = _current(5, (2, 4))
    for i in range(ops._NUMBER_TENSORS_MAX + 10):
        ops.lif(x, 0.5, threshold=1.0 + i / 1024)
    assert 0 < len(ops._NUMBER_TENSORS) <= ops._NUMBER_TENSORS_MAX
    assert len(ops._NUMBER_ROWS) == len(ops._NUMBER_TENSORS)


def test_non_finite_beta_is_refused_every_time():
    # The finite check runs before a value is kept, so a refused value is
    # never handed out later.
    for _ in range(2):
        with pytest.raises(ValueError, match="beta: expected finite values"):
            ops.lif(torch.zeros(2, 3), float("inf"))


def test_zero_initial_membrane_stays_zero_through_training_calls():
    # mem=None reads a kept zero vector: forward and backward must leave it
    # zero, whatever the gradients.
    torch.manual_seed(0)
    for _ in range(2):
        x = (torch.randn(5, 2, 7) + 0.5).requires_grad_()
        spk, mem_last = ops.lif(x, 0.9, record_mem=False)
        (spk.sum() + mem_last.sum()).backward()
        ref_x = x.detach().clone().requires_grad_()
        ref_spk, ref_mem = snntorch_lif(ref_x, 0.9)
        (ref_spk.sum() + ref_mem[-1].sum()).backward()
        assert torch.equal(spk, ref_spk)
        torch.testing.assert_close(x.grad, ref_x.grad, rtol=2e-6, atol=1e-7)
    zeros = ops._ZERO_STATES[(14, torch.float32)]
    assert not zeros.any() and not torch.signbit(zeros).any()


def test_beta_tensor_that_requires_grad_still_gets_the_clamp_mask():
    # Numbers skip the clamp in Python; a beta that needs a gradient must not.
    x = _current(6)
    for value, expected_zero in ((1.5, True), (0.5, False)):
        beta = torch.tensor(value, requires_grad=True)
        spk, mem = ops.lif(x, beta)
        (spk.sum() + mem.sum()).backward()
        assert (beta.grad.item() == 0.0) == expected_zero


def test_numbers_are_kept_across_calls():
    # The same number gives the same tensor (what makes repeated calls
    # cheaper); another value, dtype or parameter does not.
    kept = ops._number_tensor("beta", 0.625, torch.device("cpu"), torch.float32, True)
    again = ops._number_tensor("beta", 0.625, torch.device("cpu"), torch.float32, True)
    assert again is kept
    assert ops._number_tensor("beta", 0.5, torch.device("cpu"), torch.float32, True) is not kept
    assert ops._number_tensor("threshold", 0.625, torch.device("cpu"), torch.float32,
                              False) is not kept
    assert ops._number_tensor("beta", 0.625, torch.device("cpu"), torch.float64,
                              True) is not kept


def test_a_first_call_in_inference_mode_does_not_break_training():
    # Inference tensors cannot be saved for backward: values first seen in
    # inference mode (a validation pass before training) must not be kept.
    x = _current(7, (4, 3, 11))
    with torch.inference_mode():
        ops.lif(x, 0.8125, threshold=0.875, graded_spikes_factor=1.25)
    x = x.clone().requires_grad_()
    spk, mem = ops.lif(x, 0.8125, threshold=0.875, graded_spikes_factor=1.25)
    (spk.sum() + mem.sum()).backward()
    ref_x = x.detach().clone().requires_grad_()
    ref_spk, ref_mem = snntorch_lif(ref_x, 0.8125, threshold=0.875, graded_spikes_factor=1.25)
    (ref_spk.sum() + ref_mem.sum()).backward()
    assert torch.equal(spk, ref_spk)
    torch.testing.assert_close(x.grad, ref_x.grad, rtol=2e-6, atol=1e-6)
