"""Forward results are bitwise those of a time loop of snntorch.Leaky (float32)."""
import itertools

import pytest
import torch

import snn_ipu
from support.oracle import snntorch_lif

SHAPE = (17, 6, 37)  # T, batch, neurons: primes, not a multiple of any chunk


def _case(per_neuron, graded, with_mem):
    T, B, N = SHAPE
    cur = torch.randn(T, B, N) * 0.8 + 0.3
    beta = torch.rand(N) * 1.2 - 0.1 if per_neuron else 0.85  # some outside [0, 1]
    threshold = torch.rand(B, N) + 0.5 if per_neuron else 0.9
    g = torch.rand(N) + 0.5 if (graded and per_neuron) else (2.5 if graded else 1.0)
    mem = torch.randn(B, N) if with_mem else None
    return cur, beta, threshold, g, mem


@pytest.mark.parametrize(
    "reset,delay,per_neuron,graded,with_mem",
    list(itertools.product(["subtract", "zero", "none"], [True, False], [False, True],
                           [False, True], [False, True])),
)
def test_forward_bitwise_equal_to_snntorch(reset, delay, per_neuron, graded, with_mem):
    cur, beta, threshold, g, mem = _case(per_neuron, graded, with_mem)
    spk, mem_rec = snn_ipu.ops.lif(cur, beta, threshold, mem, reset_mechanism=reset,
                                   reset_delay=delay, graded_spikes_factor=g)
    ref_beta = beta if isinstance(beta, float) else beta.clone()
    spk_ref, mem_ref = snntorch_lif(cur, ref_beta, threshold, mem, reset_mechanism=reset,
                                    reset_delay=delay, graded_spikes_factor=g)
    assert spk.dtype == torch.float32 and spk.shape == cur.shape
    assert torch.equal(spk, spk_ref)
    assert torch.equal(mem_rec, mem_ref)
    assert spk.abs().sum() > 0  # the case exercises spiking and resets


def test_forward_seed_layer_shape_bitwise():
    cur = torch.randn(25, 128, 1000)
    spk, mem = snn_ipu.ops.lif(cur, beta=0.9)
    spk_ref, mem_ref = snntorch_lif(cur, 0.9)
    assert torch.equal(spk, spk_ref) and torch.equal(mem, mem_ref)


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_thread_count_does_not_change_results(threads):
    cur = torch.randn(9, 1001)
    ref = snn_ipu.ops.lif(cur, 0.7, num_threads=1)
    out = snn_ipu.ops.lif(cur, 0.7, num_threads=threads)
    assert torch.equal(out[0], ref[0]) and torch.equal(out[1], ref[1])


def test_non_contiguous_input():
    base = torch.randn(40, 11, 8)
    cur = base.transpose(1, 2)[::2]  # [20, 8, 11], strided
    assert not cur.is_contiguous()
    spk, mem = snn_ipu.ops.lif(cur, 0.8, 0.7)
    spk_ref, mem_ref = snntorch_lif(cur.contiguous(), 0.8, 0.7)
    assert torch.equal(spk, spk_ref) and torch.equal(mem, mem_ref)


def test_rank_one_input_is_one_neuron_per_step():
    cur = torch.randn(30) + 0.5
    spk, mem = snn_ipu.ops.lif(cur, 0.9)
    spk_ref, mem_ref = snntorch_lif(cur, 0.9)
    assert spk.shape == (30,)
    assert torch.equal(spk, spk_ref) and torch.equal(mem, mem_ref)
