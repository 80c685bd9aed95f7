"""Debug mode (outputs NaN-filled first, workers in shuffled order, smaller
tiles) gives identical results: no codelet reads an output or depends on the
order of workers."""
import pytest
import torch

import snn_ipu
from snn_ipu import _host
from support.oracle import SURROGATE_FACTORIES


def _run(cur, mem, beta, threshold, surrogate, reset, delay):
    leaves = (cur, mem, beta, threshold)
    spk, m = snn_ipu.ops.lif(cur, beta, threshold, mem, reset_mechanism=reset,
                             reset_delay=delay, spike_grad=SURROGATE_FACTORIES[surrogate](),
                             num_threads=2)
    grads = torch.autograd.grad((spk * 1.5).sum() + (m * m).sum(), leaves)
    return (spk, m) + grads


@pytest.mark.parametrize("dtype", [torch.float16, torch.float32, torch.float64])
@pytest.mark.parametrize("reset,delay", [("subtract", True), ("zero", False)])
def test_debug_mode_gives_identical_results(dtype, reset, delay):
    cur = (torch.randn(9, 3, 67) * 0.8 + 0.3).to(dtype).requires_grad_()
    mem = torch.randn(3, 67, dtype=dtype, requires_grad=True)
    beta = torch.rand(67, requires_grad=True)
    threshold = torch.rand(3, 67, requires_grad=True)
    normal = _run(cur, mem, beta, threshold, "fast_sigmoid", reset, delay)
    for _ in range(3):  # a new shuffle every call
        with snn_ipu.debug_mode():
            debug = _run(cur, mem, beta, threshold, "fast_sigmoid", reset, delay)
        for a, b in zip(normal, debug):
            assert torch.equal(a, b)


def test_debug_plan_splits_into_more_tiles():
    normal = _host.host_plan(10, 1000, "float", num_threads=2, debug=False)
    debug = _host.host_plan(10, 1000, "float", num_threads=2, debug=True)
    assert normal.tiles_used == 2 and debug.tiles_used > normal.tiles_used


def test_debug_mode_context_restores_setting():
    assert not snn_ipu.runtime.debug_enabled()
    with snn_ipu.debug_mode():
        assert snn_ipu.runtime.debug_enabled()
    assert not snn_ipu.runtime.debug_enabled()


@pytest.mark.parametrize("reset,delay", [("subtract", True), ("zero", False)])
def test_debug_mode_gives_identical_results_through_a_linear_layer(reset, delay):
    # ops.lif_linear's backward runs its own per-thread scratch and upstream
    # blocks (NaN-filled in debug mode): the gradients must not change.
    torch.manual_seed(3)
    x = (torch.randn(9, 4, 700) * 0.8 + 0.3).requires_grad_()
    beta = torch.tensor(0.85, requires_grad=True)
    weight = (torch.randn(5, 700) * 0.2).requires_grad_()

    def run():
        out, mem = snn_ipu.ops.lif_linear(x, beta, 1.0, None, weight, None,
                                          reset_mechanism=reset, reset_delay=delay)
        return (out, mem) + torch.autograd.grad((out * out).sum() + mem.sum(), (x, beta, weight))

    normal = run()
    for _ in range(3):
        with snn_ipu.debug_mode():
            debug = run()
        for a, b in zip(normal, debug):
            assert torch.equal(a, b)
