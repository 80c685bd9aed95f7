"""Fuzzing with NaN, +-inf and signed zeros in the currents, the initial
membrane, the threshold and the graded-spike factor (beta must be finite: a
non-finite beta raises ValueError). Against snnTorch 1.0.0's Leaky loop:

* spikes and membranes are equal bit for bit, NaN in the same places;
* every gradient (input_, mem, beta, threshold, graded factor) has NaN and
  +-inf in the same places as snnTorch's autograd, and its finite values
  agree to float32 round-off: within 1e-5 of the largest finite magnitude
  (input_, mem), or of the largest sum of the magnitudes of the terms a
  parameter's gradient adds up over steps and neurons
  (oracle.snntorch_lif_terms). With reset_delay=False the graded factor's
  finite gradient values are compared with their exact value
  (oracle.exact_graded_gradient), since snnTorch's carry float32 noise from
  two cancelling paths.

snnTorch quirk, documented here: snnTorch 1.0.0's sigmoid surrogate overflows
(inf/inf = NaN) for slope*x < -88, which x = -inf always hits; the kernels use
the stable form, whose limit there is 0. For the sigmoid the oracle is
snnTorch's Leaky with oracle.stable_sigmoid as its spike function: the same
graph, with the surrogate's backward in the stable form.
"""
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import snn_ipu
from support.nonfinite import assert_close_with_nonfinite, assert_equal_with_nan
from support.oracle import (SURROGATE_FACTORIES, exact_graded_gradient, snntorch_lif_terms,
                    stable_sigmoid, term_scale)

SPECIALS = [math.nan, math.inf, -math.inf, 0.0, -0.0]
NAMES = ["input_", "mem", "beta", "threshold", "graded_spikes_factor"]


@st.composite
def nonfinite_cases(draw):
    T = draw(st.integers(1, 9))
    shape = draw(st.sampled_from([(1,), (3,), (2, 3)]))
    gen = torch.Generator().manual_seed(draw(st.integers(0, 2**31 - 1)))

    def per_neuron_or_scalar(low, width):
        size = shape if draw(st.booleans()) else ()
        return torch.rand(size, generator=gen) * width + low

    values = {
        "input_": torch.randn(T, *shape, generator=gen) * 0.8 + 0.4,
        "mem": torch.randn(shape, generator=gen) * 0.6,
        "beta": per_neuron_or_scalar(-0.2, 1.4),  # some outside [0, 1]: clamped
        "threshold": per_neuron_or_scalar(0.4, 0.8),
        "graded_spikes_factor": per_neuron_or_scalar(0.5, 1.0),
    }
    for name in draw(st.sets(st.sampled_from(["input_", "mem", "threshold",
                                              "graded_spikes_factor"]), min_size=1)):
        flat = values[name].view(-1)
        for _ in range(draw(st.integers(1, 3))):
            flat[int(torch.randint(flat.numel(), (), generator=gen))] = draw(
                st.sampled_from(SPECIALS))
    return dict(values=values,
                surrogate=draw(st.sampled_from(sorted(SURROGATE_FACTORIES))),
                reset=draw(st.sampled_from(["subtract", "zero", "none"])),
                delay=draw(st.booleans()),
                threads=draw(st.sampled_from([1, 2])),
                seed=draw(st.integers(0, 2**31 - 1)))


def _leaves(values):
    return [values[name].clone().requires_grad_() for name in NAMES]


def _loss_weights(shape, seed):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=gen), torch.randn(shape, generator=gen)


def _loss(spk, mem, seed):
    w_spk, w_mem = _loss_weights(spk.shape, seed)
    return (spk * w_spk).sum() + (mem * w_mem).sum()


@settings(max_examples=200)  # each example takes a few ms
@given(nonfinite_cases())
def test_nonfinite_values_match_snntorch(case):
    options = dict(reset_mechanism=case["reset"], reset_delay=case["delay"])
    cur, mem, beta, threshold, graded = leaves = _leaves(case["values"])
    spk, mem_rec = snn_ipu.ops.lif(cur, beta, threshold, mem, graded_spikes_factor=graded,
                                   spike_grad=SURROGATE_FACTORIES[case["surrogate"]](),
                                   num_threads=case["threads"], **options)
    ours = torch.autograd.grad(_loss(spk, mem_rec, case["seed"]), leaves)

    ref_leaves = _leaves(case["values"])
    spike_fn = (stable_sigmoid(5.0) if case["surrogate"] == "sigmoid"
                else SURROGATE_FACTORIES[case["surrogate"]]())
    cur_r, mem_r, beta_r, threshold_r, graded_r = ref_leaves
    spk_r, mem_rec_r, copies = snntorch_lif_terms(cur_r, beta_r, threshold_r, mem_r,
                                                  spike_grad=spike_fn,
                                                  graded_spikes_factor=graded_r, **options)
    assert_equal_with_nan(spk, spk_r, "spikes")
    assert_equal_with_nan(mem_rec, mem_rec_r, "membrane")

    copy_lists = [copies["beta"], copies["threshold"], copies["graded_spikes_factor"]]
    flat_copies = [c for group in copy_lists for c in group]
    grads = torch.autograd.grad(_loss(spk_r, mem_rec_r, case["seed"]),
                                ref_leaves + flat_copies, allow_unused=True)
    grads = [torch.zeros_like(x) if g is None else g
             for g, x in zip(grads, ref_leaves + flat_copies)]
    ref, copy_grads = grads[:5], grads[5:]
    T = cur.shape[0]
    scales = [None, None] + [term_scale(copy_grads[i * T:(i + 1) * T], ref_leaves[2 + i].shape)
                             for i in range(3)]
    if not case["delay"] and case["reset"] != "none":
        # snnTorch's NaN/inf, and elsewhere the exact value without its
        # cancellation noise (oracle.exact_graded_gradient).
        w_spk = _loss_weights(spk.shape, case["seed"])[0]
        exact, scales[4] = exact_graded_gradient(spk_r, w_spk, graded_r.shape)
        ref[4] = torch.where(torch.isfinite(ref[4]), exact.float(), ref[4])
    for name, a, r, scale in zip(NAMES, ours, ref, scales):
        assert_close_with_nonfinite(a, r, scale=scale, name=f"gradient of {name}")


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("per_neuron", [False, True])
def test_nonfinite_beta_is_refused_before_running(bad, per_neuron):
    beta = torch.tensor([0.5, bad, 0.9]) if per_neuron else bad
    with pytest.raises(ValueError, match="beta: expected finite values"):
        snn_ipu.ops.lif(torch.randn(4, 3), beta)


@pytest.mark.parametrize("surrogate", sorted(SURROGATE_FACTORIES))
@pytest.mark.parametrize("reset", ["subtract", "zero"])
def test_zero_graded_factor_without_reset_delay_gives_nan_like_snntorch(surrogate, reset):
    """g = 0 with reset_delay=False: snnTorch's S/g is 0/0, so the membrane is
    NaN from the first step and so is every gradient of that neuron. The
    kernel's backward used to simplify the two cancelling paths through S and
    S/g away and returned finite gradients for the triangular, heaviside and
    straight-through surrogates (and for g itself with all of them)."""
    cur = (torch.randn(5, 3) * 0.8 + 0.4).requires_grad_()
    graded = torch.tensor([1.0, 0.0, 1.5], requires_grad=True)
    threshold = torch.tensor([0.7, 0.8, 0.9], requires_grad=True)
    spk, mem = snn_ipu.ops.lif(cur, 0.9, threshold, graded_spikes_factor=graded,
                               spike_grad=SURROGATE_FACTORIES[surrogate](),
                               reset_mechanism=reset, reset_delay=False)
    assert mem[:, 1].isnan().all()
    grads = torch.autograd.grad(spk.sum() + mem.sum(), (cur, threshold, graded))
    for g in grads:
        column = g[:, 1] if g.dim() == 2 else g[1]
        assert column.isnan().all()
        others = g[:, [0, 2]] if g.dim() == 2 else g[[0, 2]]
        assert torch.isfinite(others).all()
