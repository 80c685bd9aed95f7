"""Fuzzing memory layouts: inputs, parameters and initial membranes that are
transposed, strided, expanded (stride 0), channels-last, or with time as the
innermost dimension, give snnTorch's results and gradients (lif_compare), and
their gradients come back in the layout's shape."""
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import snn_ipu
from support.lif_compare import check_against_snntorch, requiring_grad
from support.oracle import SURROGATE_FACTORIES, close_to_round_off, snntorch_lif

STEP = (3, 4)  # one time step's shape for the 3-D layouts


def _input(kind, T, gen):
    """A [T, ...] view of a fresh leaf with the given layout; returns (view, leaf)."""
    def leaf(*shape):
        return (torch.randn(*shape, generator=gen) * 0.8 + 0.4).requires_grad_()

    if kind == "contiguous":
        base = leaf(T, *STEP)
        return base, base
    if kind == "transposed":
        base = leaf(T, STEP[1], STEP[0])
        return base.transpose(1, 2), base
    if kind == "strided":
        base = leaf(2 * T, STEP[0], 2 * STEP[1])
        return base[::2, :, ::2], base
    if kind == "expanded_over_time":
        base = leaf(1, *STEP)
        return base.expand(T, *STEP), base
    if kind == "expanded_over_neurons":
        base = leaf(T, 1, STEP[1])
        return base.expand(T, *STEP), base
    if kind == "time_innermost":
        base = leaf(*STEP, T)
        return base.permute(2, 0, 1), base
    assert kind == "channels_last"  # [T, C, H, W] stored as [T, H, W, C]
    base = leaf(T, 3, 2, 5)
    return base.to(memory_format=torch.channels_last), base


def _param(kind, step_shape, low, width, gen):
    if kind == "number":
        return float(torch.rand((), generator=gen) * width + low)
    if kind == "scalar_tensor":
        return (torch.rand((), generator=gen) * width + low).requires_grad_()
    if kind == "last_dim":
        return (torch.rand(step_shape[-1], generator=gen) * width + low).requires_grad_()
    full = torch.rand(*reversed(step_shape), generator=gen) * width + low
    if kind == "transposed":
        return full.requires_grad_().permute(*reversed(range(len(step_shape))))
    assert kind == "expanded"
    row = (torch.rand(1, *step_shape[1:], generator=gen) * width + low).requires_grad_()
    return row.expand(*step_shape)


PARAM_KINDS = ["number", "scalar_tensor", "last_dim", "transposed", "expanded"]


@st.composite
def layout_cases(draw):
    gen = torch.Generator().manual_seed(draw(st.integers(0, 2**31 - 1)))
    T = draw(st.integers(1, 12))
    x, _ = _input(draw(st.sampled_from(["contiguous", "transposed", "strided",
                                        "expanded_over_time", "expanded_over_neurons",
                                        "time_innermost", "channels_last"])), T, gen)
    step = tuple(x.shape[1:])
    args = {
        "input_": x,
        "beta": _param(draw(st.sampled_from(PARAM_KINDS)), step, 0.3, 0.7, gen),
        "threshold": _param(draw(st.sampled_from(PARAM_KINDS)), step, 0.5, 0.8, gen),
        "graded_spikes_factor": _param(draw(st.sampled_from(PARAM_KINDS)), step, 0.5, 1.0, gen),
    }
    mem_kind = draw(st.sampled_from(["none", "transposed", "expanded"]))
    if mem_kind != "none":
        args["mem"] = _param(mem_kind, step, -0.5, 1.0, gen)
    options = dict(surrogate=draw(st.sampled_from(sorted(SURROGATE_FACTORIES))),
                   reset=draw(st.sampled_from(["subtract", "zero", "none"])),
                   delay=draw(st.booleans()), record_mem=draw(st.booleans()),
                   threads=draw(st.sampled_from([1, 2, 3])))
    return args, options


@given(layout_cases())
def test_layouts_match_snntorch(case):
    args, options = case
    check_against_snntorch(args, requiring_grad(args), options)


@pytest.mark.parametrize("kind", ["transposed", "strided", "expanded_over_time",
                                  "expanded_over_neurons", "time_innermost", "channels_last"])
def test_gradient_reaches_the_leaf_behind_the_layout(kind):
    """The gradient arrives at the leaf behind the view in the leaf's shape,
    equal to snnTorch's through the same view (summed where expanded)."""
    x, base = _input(kind, 6, torch.Generator().manual_seed(5))
    spk, mem = snn_ipu.ops.lif(x, 0.8)
    (grad,) = torch.autograd.grad(spk.sum() + (mem * mem).sum(), base)
    spk_r, mem_r = snntorch_lif(x, 0.8)
    (grad_r,) = torch.autograd.grad(spk_r.sum() + (mem_r * mem_r).sum(), base)
    assert grad.shape == base.shape
    close_to_round_off(grad, grad_r, rel=1e-5)
