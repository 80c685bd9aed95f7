"""No leaks: 1,000 forward+backward calls (time-varying input, static input,
spikes-only forward) leave the process's resident memory and its count of
live tensors where they were after a warm-up.

The bound is generous (32 MiB over 1,000 calls, for allocator noise), and far
below what any per-call leak of an output or the backward's scratch would add:
each of those is at least 128 KiB a call here, 125 MiB over the loop."""
import gc
import math
import os
import sys

import pytest
import torch

import snn_ipu

T, N = 32, 1024  # one [T, N] float32 tensor: 128 KiB
CALLS = 1000
BOUND_BYTES = 32 << 20


def _resident_bytes():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _live_tensors():
    gc.collect()
    # type(), not isinstance(): the latter asks some lazy modules for __class__.
    return sum(1 for obj in gc.get_objects() if issubclass(type(obj), torch.Tensor))


def _one_call(i, cur, static, beta, threshold):
    kind = i % 3
    if kind == 0:
        spk, mem = snn_ipu.ops.lif(cur, beta, threshold, reset_delay=False, num_threads=2)
    elif kind == 1:
        spk, mem = snn_ipu.ops.lif(static, beta, threshold, num_steps=T, num_threads=2)
    else:
        spk, mem = snn_ipu.ops.lif(cur, beta, threshold, record_mem=False, num_threads=2)
    grads = torch.autograd.grad(spk.sum() + mem.sum(), (cur, static, beta, threshold),
                                allow_unused=True)
    return sum(float(g.sum()) for g in grads if g is not None)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_memory_is_flat_over_1000_forward_backward_calls():
    cur = torch.randn(T, N, requires_grad=True)
    static = torch.randn(N, requires_grad=True)
    beta = torch.rand(N, requires_grad=True)
    threshold = torch.tensor(0.8, requires_grad=True)
    for i in range(60):  # warm-up: pool threads, allocator arenas
        _one_call(i, cur, static, beta, threshold)
    tensors_before = _live_tensors()
    resident_before = _resident_bytes()
    checksum = 0.0
    for i in range(CALLS):
        checksum += _one_call(i, cur, static, beta, threshold)
    growth = _resident_bytes() - resident_before
    # Other tests' objects may be collected meanwhile, or a cache filled once:
    # allow a few. A tensor kept per call of any one kind adds 333 or more.
    assert _live_tensors() - tensors_before < 100
    assert growth < BOUND_BYTES, f"resident memory grew by {growth} bytes over {CALLS} calls"
    assert math.isfinite(checksum)  # the calls ran and gave numbers
