"""The host runtime around the kernels: where work items run (torch's OpenMP
team or snn_ipu's own pool), the output cache, and non-temporal stores for
outputs larger than the last-level cache."""
import gc

import pytest
import torch

import snn_ipu
from snn_ipu import _host, runtime
from oracle import close_to_round_off, snntorch_lif


def _fwd_bwd(cur, **kwargs):
    cur = cur.detach().requires_grad_()
    spk, mem = snn_ipu.ops.lif(cur, 0.85, **kwargs)
    (g,) = torch.autograd.grad((spk * 1.5).sum() + mem.sum(), cur)
    return spk, mem, g


@pytest.fixture
def backend():
    yield _host.set_threading_backend
    _host.set_threading_backend("auto")


def test_openmp_team_and_own_pool_give_identical_results(backend):
    cur = torch.randn(13, 7, 301) + 0.3
    backend("pool")
    assert _host.threading_backend() == "pool"
    pooled = _fwd_bwd(cur, num_threads=2)
    backend("auto")
    auto = _fwd_bwd(cur, num_threads=2)
    for a, b in zip(pooled, auto):
        assert torch.equal(a, b)


def test_torch_openmp_runtime_is_found_when_torch_has_one(backend):
    if "openmp" not in torch.__config__.parallel_info().lower():
        pytest.skip("this torch is not built with OpenMP")
    assert _host.threading_backend().startswith("openmp (")
    backend("openmp")
    with pytest.raises(ValueError, match="backend"):
        backend("tbb")


def test_output_cache_reuses_buffers_and_can_be_emptied():
    runtime.empty_cache()
    cur = torch.randn(20, 100_000)  # 8 MB outputs: pooled
    spk, _ = snn_ipu.ops.lif(cur, 0.9, record_mem=False)
    first = spk.data_ptr()
    in_use = runtime.cache_stats()["in_use_bytes"]
    assert in_use >= spk.numel() * 4
    del spk
    gc.collect()
    stats = runtime.cache_stats()
    assert stats["in_use_bytes"] == in_use - 8_000_000 - (-8_000_000 % 2**16)  # 64 KiB steps
    assert stats["cached_bytes"] >= 8_000_000
    spk, _ = snn_ipu.ops.lif(cur, 0.9, record_mem=False)
    assert spk.data_ptr() == first  # the same buffer again
    del spk
    runtime.empty_cache()
    assert runtime.cache_stats()["cached_bytes"] == 0


def test_cache_limit_zero_keeps_nothing():
    stats = runtime.cache_stats()
    try:
        runtime.set_cache_limit(0)
        spk, _ = snn_ipu.ops.lif(torch.randn(20, 100_000), 0.9, record_mem=False)
        del spk
        assert runtime.cache_stats()["cached_bytes"] == 0
    finally:
        runtime.set_cache_limit(stats["limit_bytes"])
    with pytest.raises(ValueError, match="num_bytes"):
        runtime.set_cache_limit(-1)


def test_outputs_larger_than_the_cache_are_streamed_and_exact():
    """Outputs above the last-level cache are written with non-temporal
    stores (csrc/host_poplar/poplar/detail/HostStores.hpp): same results."""
    torch.manual_seed(3)
    cur = torch.randn(12, 2, 1_700_003) * 0.5 + 0.3  # 163 MB per [T, ...] tensor
    spk, mem, g = _fwd_bwd(cur, record_mem=True)
    small = _fwd_bwd(cur[:, :, :1001], record_mem=True)  # cached, plain stores
    assert torch.equal(spk[:, :, :1001], small[0]) and torch.equal(mem[:, :, :1001], small[1])
    assert torch.equal(g[:, :, :1001], small[2])
    spk_r, mem_r = snntorch_lif(cur[:, :, -3001:], 0.85)
    assert torch.equal(spk[:, :, -3001:], spk_r) and torch.equal(mem[:, :, -3001:], mem_r)


def test_parameter_gradients_skipped_only_when_unwanted():
    cur = (torch.randn(9, 4, 50) + 0.3).requires_grad_()
    beta = torch.full((50,), 0.8, requires_grad=True)
    spk, mem = snn_ipu.ops.lif(cur, beta)
    g_with = torch.autograd.grad(spk.sum() + mem.sum(), (cur, beta))
    spk, mem = snn_ipu.ops.lif(cur, beta.detach())
    (g_without,) = torch.autograd.grad(spk.sum() + mem.sum(), cur)
    assert torch.equal(g_with[0], g_without)
    spk_r, mem_r = snntorch_lif(cur, beta)
    g_ref = torch.autograd.grad(spk_r.sum() + mem_r.sum(), (cur, beta))
    close_to_round_off(g_with[1], g_ref[1], rel=1e-5)
