"""Parameters given as Python numbers, in repeated and interleaved calls,
give what snnTorch gives for each call's own values."""
import math

import pytest
import torch

from snn_ipu import ops
from support.oracle import close_to_round_off, snntorch_lif


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


def test_signed_zero_graded_factors_stay_apart():
    # -0.0 == 0.0, but spikes scaled by them differ in sign.
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


def test_non_finite_beta_is_refused_every_time():
    for _ in range(2):
        with pytest.raises(ValueError, match="beta: expected finite values"):
            ops.lif(torch.zeros(2, 3), float("inf"))


def test_zero_initial_membrane_stays_zero_through_training_calls():
    # mem=None starts from zeros in every call, whatever the last one did.
    torch.manual_seed(0)
    for _ in range(2):
        x = (torch.randn(5, 2, 7) + 0.5).requires_grad_()
        spk, mem_last = ops.lif(x, 0.9, record_mem=False)
        (spk.sum() + mem_last.sum()).backward()
        ref_x = x.detach().clone().requires_grad_()
        ref_spk, ref_mem = snntorch_lif(ref_x, 0.9)
        (ref_spk.sum() + ref_mem[-1].sum()).backward()
        assert torch.equal(spk, ref_spk)
        close_to_round_off(x.grad, ref_x.grad)


def test_beta_tensor_that_requires_grad_still_gets_the_clamp_mask():
    # A beta without a gradient is clamped by the kernels alone; one that
    # needs a gradient is clamped in Python too, for the clamp's mask.
    x = _current(6)
    for value, expected_zero in ((1.5, True), (0.5, False)):
        beta = torch.tensor(value, requires_grad=True)
        spk, mem = ops.lif(x, beta)
        (spk.sum() + mem.sum()).backward()
        assert (beta.grad.item() == 0.0) == expected_zero


def test_a_first_call_in_inference_mode_does_not_break_training():
    # Inference tensors cannot be saved for backward: nothing made in
    # inference mode (a validation pass before training) may reach training.
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
    close_to_round_off(x.grad, ref_x.grad)


def test_initial_membrane_made_in_inference_mode_trains():
    # A state left by a validation pass under inference_mode, given as mem:
    # the kernels' backward saves it, which an inference tensor cannot be.
    x = _current(8, (4, 3, 11)).requires_grad_()
    with torch.inference_mode():
        _, mem0 = ops.lif(x.detach(), 0.9, record_mem=False)
    spk, mem = ops.lif(x, 0.9, mem=mem0)
    (spk.sum() + mem.sum()).backward()
    ref_x = x.detach().clone().requires_grad_()
    ref_spk, ref_mem = snntorch_lif(ref_x, 0.9, mem=mem0.clone())
    (ref_spk.sum() + ref_mem.sum()).backward()
    assert torch.equal(spk, ref_spk)
    close_to_round_off(x.grad, ref_x.grad)
