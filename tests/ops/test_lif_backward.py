"""Gradients equal snnTorch autograd through its Leaky loop, to float32 round-off.

Tolerance: every element within 2e-6 of the largest magnitude of the snnTorch
gradient it is compared with (close_to_round_off). The kernel sums a neuron's
contributions over time in a different order from autograd's graph, so
results differ by a few float32 ulps of the largest terms, not more.
"""
import itertools

import pytest
import torch

import snn_ipu
from support.oracle import SURROGATE_FACTORIES, close_to_round_off, snntorch_lif

T, B, N = 13, 4, 23


def _inputs(per_neuron):
    cur = (torch.randn(T, B, N) * 0.7 + 0.35).requires_grad_()
    mem = (torch.randn(B, N) * 0.5).requires_grad_()
    if per_neuron:
        beta = (torch.rand(N) * 0.9 + 0.05).requires_grad_()
        threshold = (torch.rand(B, N) * 0.6 + 0.7).requires_grad_()
        graded = (torch.rand(N) + 0.5).requires_grad_()
    else:
        beta = torch.tensor(0.8, requires_grad=True)
        threshold = torch.tensor(0.9, requires_grad=True)
        graded = torch.tensor(1.7, requires_grad=True)
    return cur, mem, beta, threshold, graded


def _loss(spk, mem, which, w_spk, w_mem):
    if which == "spikes":
        return (spk * w_spk).sum()
    if which == "mem":
        return (mem * w_mem).sum()
    return (spk * w_spk).sum() + (mem * w_mem).sum()


def _compare(surrogate, reset, delay, per_neuron, which):
    leaves = _inputs(per_neuron)
    cur, mem, beta, threshold, graded = leaves
    w_spk = torch.randn(T, B, N)
    w_mem = torch.randn(T, B, N)

    spk, mem_rec = snn_ipu.ops.lif(cur, beta, threshold, mem,
                                   spike_grad=SURROGATE_FACTORIES[surrogate](),
                                   reset_mechanism=reset, reset_delay=delay,
                                   graded_spikes_factor=graded)
    ours = torch.autograd.grad(_loss(spk, mem_rec, which, w_spk, w_mem), leaves,
                               allow_unused=True)

    spk_r, mem_r = snntorch_lif(cur, beta, threshold, mem,
                                spike_grad=SURROGATE_FACTORIES[surrogate](),
                                reset_mechanism=reset, reset_delay=delay,
                                graded_spikes_factor=graded)
    assert torch.equal(spk, spk_r) and torch.equal(mem_rec, mem_r)
    ref = torch.autograd.grad(_loss(spk_r, mem_r, which, w_spk, w_mem), leaves,
                              allow_unused=True)
    scales = [None, None] + [
        _sum_of_term_magnitudes(leaves, i, surrogate, reset, delay, which, w_spk, w_mem)
        if leaves[i].shape != cur.shape[1:] else None
        for i in (2, 3, 4)
    ]
    names = ["input_", "mem", "beta", "threshold", "graded_spikes_factor"]
    if not delay and reset != "none":
        # snnTorch's float32 gradient of graded_spikes_factor then carries the
        # round-off of spk/g's two cancelling paths (analytically zero), far
        # above float32 round-off of the true value; test_float64_* checks
        # this gradient instead, where that noise is negligible.
        names, ours, ref, scales = names[:4], ours[:4], ref[:4], scales[:4]
    for name, a, r, scale in zip(names, ours, ref, scales):
        r = torch.zeros_like(a) if r is None and a is not None else r
        a = torch.zeros_like(r) if a is None and r is not None else a
        try:
            close_to_round_off(a, r, scale=scale)
        except AssertionError as err:
            raise AssertionError(f"gradient of {name}: {err}") from None


def _sum_of_term_magnitudes(leaves, index, surrogate, reset, delay, which, w_spk, w_mem):
    """For a parameter shared by several neurons, its gradient is a sum over
    them with cancellation; round-off scales with the sum of the terms'
    magnitudes, which snnTorch gives when the parameter is one per neuron."""
    cur, mem, beta, threshold, graded = (t.detach() for t in leaves)
    params = [beta, threshold, graded]
    expanded = params[index - 2].expand(cur.shape[1:]).clone().requires_grad_()
    params[index - 2] = expanded
    spk, mem_rec = snntorch_lif(cur, params[0], params[1], mem,
                                spike_grad=SURROGATE_FACTORIES[surrogate](),
                                reset_mechanism=reset, reset_delay=delay,
                                graded_spikes_factor=params[2])
    loss = _loss(spk, mem_rec, which, w_spk, w_mem)
    if not loss.requires_grad:  # the loss does not depend on this parameter
        return 0.0
    (per_neuron,) = torch.autograd.grad(loss, expanded, allow_unused=True)
    if per_neuron is None:
        return 0.0
    if index == 2:  # beta's gradient is masked by its clamp, as in snnTorch
        per_neuron = per_neuron * ((beta >= 0) & (beta <= 1))
    return per_neuron.abs().sum_to_size(leaves[index].shape).max().item()


@pytest.mark.parametrize("surrogate", sorted(SURROGATE_FACTORIES))
@pytest.mark.parametrize("which", ["spikes", "mem", "both"])
def test_gradients_match_snntorch_per_surrogate(surrogate, which):
    _compare(surrogate, "subtract", True, True, which)


@pytest.mark.parametrize(
    "reset,delay,per_neuron",
    list(itertools.product(["subtract", "zero", "none"], [True, False], [False, True])),
)
@pytest.mark.parametrize("surrogate", ["atan", "fast_sigmoid", "triangular"])
def test_gradients_match_snntorch_per_reset(reset, delay, per_neuron, surrogate):
    _compare(surrogate, reset, delay, per_neuron, "both")


@pytest.mark.parametrize("surrogate", sorted(SURROGATE_FACTORIES))
def test_reset_delay_false_all_surrogates(surrogate):
    _compare(surrogate, "zero", False, True, "both")


def test_beta_clamp_mask_matches_snntorch():
    cur = torch.randn(10, 7).requires_grad_()
    beta = torch.tensor([-0.2, 0.0, 0.3, 0.99, 1.0, 1.3, 0.5], requires_grad=True)
    spk, mem = snn_ipu.ops.lif(cur, beta)
    (g,) = torch.autograd.grad((spk + mem).sum(), beta)
    spk_r, mem_r = snntorch_lif(cur, beta)
    (g_r,) = torch.autograd.grad((spk_r + mem_r).sum(), beta)
    close_to_round_off(g, g_r)
    assert g[0] == 0 and g[5] == 0  # clamped: no gradient outside [0, 1]


def test_no_grad_needed_for_params_still_gives_input_grad():
    cur = torch.randn(8, 5, requires_grad=True)
    spk, mem = snn_ipu.ops.lif(cur, 0.9)
    (g,) = torch.autograd.grad(spk.sum() + mem.sum(), cur)
    spk_r, mem_r = snntorch_lif(cur, 0.9)
    (g_r,) = torch.autograd.grad(spk_r.sum() + mem_r.sum(), cur)
    close_to_round_off(g, g_r)


def test_seed_layer_example_from_issue():
    cur = torch.randn(25, 128, 1000, requires_grad=True)
    spk, mem = snn_ipu.ops.lif(cur, beta=0.9)
    (spk.sum() + mem.pow(2).mean()).backward()
    g = cur.grad.clone()
    cur.grad = None
    spk_r, mem_r = snntorch_lif(cur, 0.9)
    (spk_r.sum() + mem_r.pow(2).mean()).backward()
    close_to_round_off(g, cur.grad)


@pytest.mark.parametrize("surrogate", sorted(SURROGATE_FACTORIES))
@pytest.mark.parametrize("reset,delay", [("subtract", True), ("subtract", False),
                                         ("zero", True), ("zero", False), ("none", True)])
def test_float64_gradients_match_snntorch_float64(surrogate, reset, delay):
    """The double instantiation against snnTorch run in float64. snnTorch's
    spike functions return float32 (`(x > 0).float()`), so gradients through
    the spikes are rounded to float32 inside snnTorch: tolerance 2e-6 of the
    largest magnitude."""
    cur = (torch.randn(T, B, N, dtype=torch.float64) * 0.7 + 0.35).requires_grad_()
    mem = (torch.randn(B, N, dtype=torch.float64) * 0.5).requires_grad_()
    beta = (torch.rand(N, dtype=torch.float64) * 0.9 + 0.05).requires_grad_()
    threshold = (torch.rand(B, N, dtype=torch.float64) * 0.6 + 0.7).requires_grad_()
    graded = (torch.rand(B, N, dtype=torch.float64) + 0.5).requires_grad_()
    leaves = (cur, mem, beta, threshold, graded)
    w_spk = torch.randn(T, B, N, dtype=torch.float64)
    w_mem = torch.randn(T, B, N, dtype=torch.float64)
    kwargs = dict(spike_grad=SURROGATE_FACTORIES[surrogate](), reset_mechanism=reset,
                  reset_delay=delay, graded_spikes_factor=graded)
    spk, mem_rec = snn_ipu.ops.lif(cur, beta, threshold, mem, **kwargs)
    assert spk.dtype == torch.float64
    ours = torch.autograd.grad(_loss(spk, mem_rec, "both", w_spk, w_mem), leaves)
    spk_r, mem_r = snntorch_lif(cur, beta, threshold, mem, **kwargs)
    assert torch.equal(spk, spk_r.double()) and torch.allclose(mem_rec, mem_r, rtol=0, atol=1e-12)
    ref = torch.autograd.grad(_loss(spk_r, mem_r, "both", w_spk, w_mem), leaves)
    for a, r in zip(ours, ref):
        close_to_round_off(a, r)


@pytest.mark.parametrize("reset,delay", [("subtract", True), ("zero", False), ("none", True)])
def test_record_mem_false_returns_final_membrane_with_gradients(reset, delay):
    """Without the membrane record the op returns U_T; gradients through the
    spikes and through U_T equal snnTorch's."""
    cur, mem, beta, threshold, graded = _inputs(per_neuron=True)
    leaves = (cur, mem, beta, threshold)
    w_spk = torch.randn(T, B, N)
    w_last = torch.randn(B, N)
    kwargs = dict(reset_mechanism=reset, reset_delay=delay, graded_spikes_factor=graded.detach())
    spk, mem_last = snn_ipu.ops.lif(cur, beta, threshold, mem, record_mem=False, **kwargs)
    spk_r, mem_r = snntorch_lif(cur, beta, threshold, mem, **kwargs)
    assert mem_last.shape == (B, N)
    assert torch.equal(spk, spk_r) and torch.equal(mem_last, mem_r[-1])
    ours = torch.autograd.grad((spk * w_spk).sum() + (mem_last * w_last).sum(), leaves)
    ref = torch.autograd.grad((spk_r * w_spk).sum() + (mem_r[-1] * w_last).sum(), leaves)
    for a, r in zip(ours, ref):
        close_to_round_off(a, r)


def test_record_mem_false_half_final_membrane_is_float32_state_rounded():
    cur = (torch.randn(9, 40) + 0.3).half()
    spk, last = snn_ipu.ops.lif(cur, 0.9, record_mem=False)
    spk_full, mem_full = snn_ipu.ops.lif(cur, 0.9)
    assert last.dtype == torch.float16
    assert torch.equal(spk, spk_full) and torch.equal(last, mem_full[-1])


@pytest.mark.parametrize("record_mem", [True, False])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_static_input_equals_expanded_input(record_mem, dtype):
    """num_steps: one step's current used at every step; outputs equal those
    of the expanded [T, ...] input and the gradient is its sum over time."""
    static = (torch.randn(B, N, dtype=dtype) * 0.5 + 0.3).requires_grad_()
    beta = torch.rand(N, dtype=dtype, requires_grad=True)
    # Per neuron: snnTorch would round a float or 0-d threshold to float32 in
    # reset*threshold (its reset is float32), even for float64 currents.
    threshold = torch.full((N,), 0.8, dtype=dtype)
    spk, second = snn_ipu.ops.lif(static, beta, threshold, num_steps=T, record_mem=record_mem)
    spk_r, mem_r = snntorch_lif(static.expand(T, B, N), beta, threshold)
    assert spk.shape == (T, B, N)
    assert torch.equal(spk, spk_r)
    second_r = mem_r if record_mem else mem_r[-1]
    assert torch.equal(second, second_r)
    w = torch.randn(T, B, N, dtype=dtype)
    ours = torch.autograd.grad((spk * w).sum() + second.sum(), (static, beta))
    ref = torch.autograd.grad((spk_r * w).sum() + second_r.sum(), (static, beta))
    for a, r in zip(ours, ref):
        close_to_round_off(a, r, rel=4e-6)


def test_static_input_bad_num_steps():
    for bad in (0, -2, 2.5, True, "3"):
        with pytest.raises(ValueError, match="num_steps: expected a positive int"):
            snn_ipu.ops.lif(torch.zeros(3), 0.9, num_steps=bad)


def test_static_input_accepts_numpy_and_torch_integers():
    import numpy as np

    cur = torch.randn(4) + 0.5
    ref = snn_ipu.ops.lif(cur, 0.9, num_steps=6)
    for steps in (np.int64(6), torch.tensor(6)):
        out = snn_ipu.ops.lif(cur, 0.9, num_steps=steps)
        assert torch.equal(out[0], ref[0]) and torch.equal(out[1], ref[1])


@pytest.mark.parametrize("reset,delay", [("subtract", True), ("subtract", False),
                                         ("zero", True), ("zero", False), ("none", True)])
@pytest.mark.parametrize("surrogate", ["atan", "fast_sigmoid", "sigmoid"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
@pytest.mark.parametrize("static", [False, True])
def test_shared_parameters_equal_the_same_values_per_neuron(reset, delay, surrogate, dtype,
                                                            static):
    # One value per parameter field runs the vertices' shared-parameter path
    # (values held in registers); the same values expanded per neuron run the
    # per-neuron path, and a mix (one expanded, two shared) the per-neuron
    # path's broadcast of a single value. All must give the same bits,
    # outputs and gradients.
    torch.manual_seed(3)
    steps, neurons = 9, 1100  # one full host chunk and a ragged one
    cur = (torch.randn(steps, neurons) * 0.7 + 0.35).to(dtype)
    if static:
        cur = cur[0]
    grad_spk = torch.randn(steps, neurons).to(dtype)
    grad_mem = torch.randn(steps, neurons).to(dtype)
    results = []
    for expanded in ((), ("beta", "threshold", "graded"), ("threshold",)):
        def param(name, value):
            t = torch.tensor(value)
            return (t.expand(neurons).clone() if name in expanded else t).requires_grad_()

        beta, threshold, graded = param("beta", 0.85), param("threshold", 0.9), param("graded", 1.7)
        x = cur.clone().requires_grad_()
        spk, mem = snn_ipu.ops.lif(x, beta, threshold, spike_grad=SURROGATE_FACTORIES[surrogate](),
                                   reset_mechanism=reset, reset_delay=delay,
                                   graded_spikes_factor=graded,
                                   num_steps=steps if static else None)
        torch.autograd.backward((spk, mem), (grad_spk, grad_mem))
        # A shared parameter's gradient is the sum of the per-neuron partials,
        # taken by the same torch sum in every case.
        results.append((spk, mem, x.grad, beta.grad.sum(), threshold.grad.sum(),
                        graded.grad.sum()))
    for other in results[1:]:
        for a, b in zip(results[0], other):
            assert torch.equal(a, b)
    assert results[0][0].abs().sum() > 0
