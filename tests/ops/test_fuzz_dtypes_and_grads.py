"""Fuzzing argument dtypes and which arguments require grad: a float16,
float32 or float64 input with parameters and an initial membrane of any
floating dtype (or integer parameters, or plain numbers), any subset of them
requiring grad, static or time-varying input. ops.lif casts every argument to
the input's state dtype; results and gradients equal snnTorch's on the cast
arguments (lif_compare), gradients come back in each argument's own dtype,
and arguments that do not require grad get none."""
import torch
from hypothesis import given
from hypothesis import strategies as st

from support.lif_compare import check_against_snntorch, requiring_grad
from support.oracle import SURROGATE_FACTORIES

FLOATS = [torch.float16, torch.bfloat16, torch.float32, torch.float64]


@st.composite
def dtype_cases(draw):
    gen = torch.Generator().manual_seed(draw(st.integers(0, 2**31 - 1)))
    input_dtype = draw(st.sampled_from([torch.float16, torch.float32, torch.float64]))
    step = draw(st.sampled_from([(1,), (5,), (2, 3)]))
    static = draw(st.booleans())
    T = draw(st.integers(1, 10))
    shape = step if static else (T, *step)
    x = (torch.randn(shape, generator=gen) * 0.8 + 0.4).to(input_dtype)
    args = {"input_": x.requires_grad_(draw(st.booleans()))}

    def param(low, width, integer_values):
        form = draw(st.sampled_from(["number", "float_tensor", "int_tensor"]))
        size = step if draw(st.booleans()) else ()
        if form == "number":
            return float(torch.rand((), generator=gen) * width + low)
        if form == "int_tensor":  # never requires grad
            return torch.tensor(integer_values)[torch.randint(len(integer_values), size,
                                                              generator=gen)]
        value = (torch.rand(size, generator=gen) * width + low).to(draw(st.sampled_from(FLOATS)))
        return value.requires_grad_(draw(st.booleans()))

    args["beta"] = param(0.2, 0.8, [0, 1])
    args["threshold"] = param(0.5, 0.8, [1, 2])
    args["graded_spikes_factor"] = param(0.5, 1.0, [1, 3])
    if draw(st.booleans()):
        mem = (torch.randn(step, generator=gen) * 0.5).to(draw(st.sampled_from(FLOATS)))
        args["mem"] = mem.requires_grad_(draw(st.booleans()))
    options = dict(surrogate=draw(st.sampled_from(sorted(SURROGATE_FACTORIES))),
                   reset=draw(st.sampled_from(["subtract", "zero", "none"])),
                   delay=draw(st.booleans()), record_mem=draw(st.booleans()),
                   num_steps=T if static else None, threads=draw(st.sampled_from([1, 2])))
    return args, options


@given(dtype_cases())
def test_dtypes_and_grad_subsets_match_snntorch(case):
    args, options = case
    check_against_snntorch(args, requiring_grad(args), options)

