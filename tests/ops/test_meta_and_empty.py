"""Tensors without values: inputs on the meta device run the reference path
(with a ReferencePathWarning) and give meta outputs and gradients of the
right shapes and dtypes; arguments mixing meta and CPU are refused naming
the argument; zero-size non-time dimensions give empty outputs and
gradients equal to snnTorch's, whatever T."""
import itertools

import pytest
import torch

import snn_ipu
from support.lif_compare import check_against_snntorch

lif = snn_ipu.ops.lif


@pytest.mark.parametrize("dtype", [torch.float16, torch.float32, torch.float64])
@pytest.mark.parametrize("static,record_mem", list(itertools.product([False, True], [True, False])))
@pytest.mark.parametrize("reset,delay", [("subtract", True), ("zero", False)])
def test_meta_input_gives_meta_outputs_and_gradients(dtype, static, record_mem, reset, delay):
    step = (2, 3)
    x = torch.empty(step if static else (5, *step), device="meta", dtype=dtype,
                    requires_grad=True)
    beta = torch.empty(3, device="meta", requires_grad=True)
    threshold = torch.empty((), device="meta", requires_grad=True)
    mem = torch.empty(step, device="meta", dtype=dtype, requires_grad=True)
    with pytest.warns(snn_ipu.ReferencePathWarning, match="meta"):
        spk, second = lif(x, beta, threshold, mem, reset_mechanism=reset, reset_delay=delay,
                          record_mem=record_mem, num_steps=5 if static else None)
    assert spk.device.type == second.device.type == "meta"
    assert spk.shape == (5, *step) and spk.dtype == dtype
    assert second.shape == ((5, *step) if record_mem else step) and second.dtype == dtype
    grads = torch.autograd.grad(spk.sum() + second.sum(), (x, beta, threshold, mem))
    for leaf, grad in zip((x, beta, threshold, mem), grads):
        assert grad.device.type == "meta" and grad.shape == leaf.shape and grad.dtype == leaf.dtype


@pytest.mark.parametrize("name", ["beta", "threshold", "graded_spikes_factor", "mem"])
@pytest.mark.parametrize("shape", [(), (3,)])
def test_meta_argument_with_cpu_input_is_refused(name, shape):
    """A meta tensor holds no values to copy to the CPU (a one-element one
    used to fail inside torch with "Cannot copy out of meta tensor")."""
    kwargs = {"beta": 0.9, name: torch.empty(shape, device="meta")}
    with pytest.raises(ValueError, match=rf"{name}: is on meta but input_ is on cpu"):
        lif(torch.randn(4, 3), **kwargs)


@pytest.mark.parametrize("step", [(0,), (0, 3), (2, 0)])
@pytest.mark.parametrize("static,record_mem", [(False, True), (False, False), (True, True)])
@pytest.mark.parametrize("per_neuron", [False, True])
def test_zero_size_step_matches_snntorch(step, static, record_mem, per_neuron):
    x = torch.randn(step if static else (4, *step), requires_grad=True)
    args = {
        "input_": x,
        "beta": torch.rand(step if per_neuron else (), requires_grad=True),
        "threshold": torch.rand(step[-1:] if per_neuron else (), requires_grad=True),
        "mem": torch.randn(step, requires_grad=True),
    }
    options = dict(record_mem=record_mem, num_steps=4 if static else None)
    check_against_snntorch(args, list(args), options)


@pytest.mark.parametrize("static", [False, True])
def test_zero_size_step_with_huge_t_returns_at_once(static):
    """No neurons and 10^12 steps: empty outputs of the right shape at once
    (the reference loop used to iterate over every empty step)."""
    steps = 10**12
    x = torch.zeros((0,) if static else (steps, 0), requires_grad=True)
    spk, mem = lif(x, 0.9, num_steps=steps if static else None)
    assert spk.shape == mem.shape == (steps, 0)
    (grad,) = torch.autograd.grad(spk.sum() + mem.sum(), x)
    assert grad.shape == x.shape
