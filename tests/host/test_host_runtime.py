"""The host runtime around the kernels: where work items run (torch's OpenMP
team or snn_ipu's own pool), the output cache, and non-temporal stores for
outputs larger than the last-level cache."""
import gc

import pytest
import torch

import snn_ipu
from snn_ipu import runtime
from snn_ipu._lif.models import MODELS
from snn_ipu._backends.host import host as _host
from support.oracle import close_to_round_off, snntorch_lif
from support.run_counts import runs_during


def _fwd_bwd(cur, **kwargs):
    cur = cur.detach().requires_grad_()
    spk, mem = snn_ipu.ops.lif(cur, 0.85, **kwargs)
    (g,) = torch.autograd.grad((spk * 1.5).sum() + mem.sum(), cur)
    return spk, mem, g


def test_openmp_team_and_own_pool_give_identical_results(threading_backend):
    cur = torch.randn(13, 7, 301) + 0.3  # 2 tiles x 6 workers: 12 items
    threading_backend("pool")
    assert runtime.threading_backend() == "pool"
    pooled, runs = runs_during(lambda: _fwd_bwd(cur, num_threads=2))
    assert runs["pool"] == 2 and runs["openmp"] == 0  # forward and backward
    threading_backend("auto")
    auto, runs = runs_during(lambda: _fwd_bwd(cur, num_threads=2))
    team = "openmp" if runtime.threading_backend().startswith("openmp") else "pool"
    assert runs[team] == 2 and runs["serial"] == 0
    for a, b in zip(pooled, auto):
        assert torch.equal(a, b)
    _, runs = runs_during(lambda: _fwd_bwd(cur, num_threads=1))
    assert runs["serial"] == 2 and runs["openmp"] == runs["pool"] == 0


def test_torch_openmp_runtime_is_found_when_torch_has_one(threading_backend):
    if "openmp" not in torch.__config__.parallel_info().lower():
        pytest.skip("this torch is not built with OpenMP")
    assert runtime.threading_backend().startswith("openmp (")
    threading_backend("openmp")
    with pytest.raises(ValueError, match="backend"):
        threading_backend("tbb")


def test_output_cache_reuses_buffers_and_can_be_emptied():
    gc.collect()  # outputs of earlier tests held in cycles go now, not below
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


@pytest.mark.parametrize("dtype,neurons", [(torch.float32, 900_001), (torch.float16, 1_800_001),
                                           (torch.float64, 450_001)])
@pytest.mark.parametrize("reset_delay", [True, False])
def test_outputs_larger_than_the_cache_are_streamed_and_exact(dtype, neurons, reset_delay):
    """Outputs above 32 MiB are written with non-temporal stores
    (csrc/host_poplar/poplar/detail/HostRuns.hpp): neurons are independent,
    so every column must equal the same column computed in a small,
    cache-resident call (plain stores)."""
    torch.manual_seed(3)
    cur = (torch.randn(10, neurons) * 0.5 + 0.3).to(dtype)
    kwargs = dict(record_mem=True, reset_delay=reset_delay, reset_mechanism="zero")
    big, runs = runs_during(lambda: _fwd_bwd(cur, **kwargs))
    assert runs["streaming_runs"] == 2  # forward and backward
    for columns in (slice(0, 777), slice(neurons - 1001, neurons)):
        small, runs = runs_during(lambda: _fwd_bwd(cur[:, columns], **kwargs))
        assert runs["streaming_runs"] == 0
        for a, b in zip(big, small):
            assert torch.equal(a[:, columns], b)


def test_static_input_with_streamed_outputs_is_exact():
    torch.manual_seed(4)
    static = torch.randn(900_001) * 0.5 + 0.3
    (spk, mem), runs = runs_during(lambda: snn_ipu.ops.lif(static, 0.9, num_steps=10))
    assert runs["streaming_runs"] == 1
    small = snn_ipu.ops.lif(static[:999], 0.9, num_steps=10)
    assert torch.equal(spk[:, :999], small[0]) and torch.equal(mem[:, :999], small[1])
    spk_r, mem_r = snntorch_lif(static[-500:].expand(10, 500), 0.9)
    assert torch.equal(spk[:, -500:], spk_r) and torch.equal(mem[:, -500:], mem_r)


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


@pytest.mark.parametrize("neurons", [1000, 4_500_000])
def test_missing_membrane_reads_zeros(neurons):
    # Absent inputs read the shared read-only zeros, or past their 16 MiB
    # cap zeros of the call's own: either way the call equals one given
    # explicit zeros (initial membrane, and the absent membrane-record and
    # final-membrane gradients). One thread: one tile of all the neurons,
    # whose zeros (18 MB for the larger case) pass the cap.
    tile_zeros = _host.host_plan(2, neurons, "float", 1).neurons_per_tile * 4
    assert (tile_zeros > 16 << 20) == (neurons > 1000)
    cur = (torch.randn(2, neurons) + 0.5).requires_grad_()
    grad = torch.randn(2, neurons)
    results = []
    for mem in (None, torch.zeros(neurons)):
        spk, _ = snn_ipu.ops.lif(cur, 0.85, mem=mem, record_mem=False, num_threads=1)
        (g,) = torch.autograd.grad(spk, cur, grad)
        results.append((spk, g))
    for a, b in zip(*results):
        assert torch.equal(a, b)


@pytest.mark.parametrize("threads", [1, 2])
def test_backward_scratch_comes_from_the_pool_and_goes_back(threads):
    """The backward's scratch (one slot per thread, not the IPU's one per
    worker of every tile: T x one chunk of recomputed membranes, one plane
    with reset_delay, two without) and the initial membrane's gradient nobody
    asked for are pool buffers: counted in its peak, given back after the
    call, and reused by the next."""
    from snn_ipu._backends.host import host

    steps, n = 25, 3000  # outputs of 300 kB: below the pool's 4 MiB, not pooled
    granule = 1 << 16

    def pooled(nbytes):
        return -(-nbytes // granule) * granule

    for reset_delay, planes in ((True, 1), (False, 2)):
        plan = host.host_plan(steps, n, "float", threads, False, MODELS["leaky"].id, planes)
        gc.collect()
        cur = (torch.randn(steps, n) + 0.3).requires_grad_()
        spk, _ = snn_ipu.ops.lif(cur, 0.9, record_mem=False, reset_delay=reset_delay,
                                 num_threads=threads)
        before = runtime.cache_stats()
        host.pool_reset_peak()
        spk.backward(torch.ones_like(spk))
        after = runtime.cache_stats()
        scratch = threads * steps * plan.chunk_neurons * planes * 4
        assert after["peak_in_use_bytes"] - before["in_use_bytes"] == (
            pooled(scratch) + pooled(n * 4))
        assert after["in_use_bytes"] == before["in_use_bytes"]
        cached = after["cached_bytes"]
        assert cached >= pooled(scratch) + pooled(n * 4)
        spk, _ = snn_ipu.ops.lif(cur, 0.9, record_mem=False, reset_delay=reset_delay,
                                 num_threads=threads)
        spk.backward(torch.ones_like(spk))
        assert runtime.cache_stats()["cached_bytes"] == cached  # reused, not mapped anew


@pytest.mark.parametrize("param_grads, planes, chunk", [(False, 1, 1024), (True, 4, 320)])
def test_backward_scratch_holds_only_the_planes_the_recompute_stores(param_grads, planes,
                                                                    chunk):
    """Alpha's backward stores its membrane alone without the parameters'
    gradients, and its three states and E + I with them: its scratch is T x
    one chunk x those planes, the chunk as long as they fit the cache budget
    (the arrays' 1024 neurons with one plane; 320 with four; a worker's block
    is 1168), and the unwanted initial states' gradients, all from the pool."""
    from snn_ipu._backends.host import host

    steps, n = 100, 7000  # outputs of 2.8 MB: not pooled
    model = MODELS["alpha"].id
    plan = host.host_plan(steps, n, "float", 1, False, model, planes)
    assert plan.chunk_neurons == chunk
    granule = 1 << 16

    def pooled(nbytes):
        return -(-nbytes // granule) * granule

    gc.collect()
    alpha = torch.tensor(0.9, requires_grad=param_grads)
    cur = (torch.randn(steps, n) + 0.3).requires_grad_()
    spk, *_ = snn_ipu.ops.alpha(cur, alpha, 0.8, record_state=False, num_threads=1)
    before = runtime.cache_stats()
    host.pool_reset_peak()
    spk.backward(torch.ones_like(spk))
    after = runtime.cache_stats()
    assert after["peak_in_use_bytes"] - before["in_use_bytes"] == (
        pooled(steps * chunk * planes * 4) + pooled(3 * n * 4))
    assert (alpha.grad is not None) == param_grads


def test_debug_mode_is_per_thread_and_nests():
    """debug_mode() sets debug mode for the calling thread only, as
    torch.no_grad does: another thread's calls, and the process after
    interleaved exits, keep the process-wide setting."""
    import threading

    assert not runtime.debug_enabled()
    inside, seen_by_other = threading.Event(), []
    release = threading.Event()

    def other():
        inside.wait()
        seen_by_other.append(runtime.debug_enabled())
        with runtime.debug_mode():
            release.wait()
        seen_by_other.append(runtime.debug_enabled())

    thread = threading.Thread(target=other)
    thread.start()
    with runtime.debug_mode():
        inside.set()
        with runtime.debug_mode(False):
            assert not runtime.debug_enabled()
        assert runtime.debug_enabled()
        release.set()
        thread.join()
    assert seen_by_other == [False, False]
    assert not runtime.debug_enabled()


def test_debug_environment_variable():
    import os
    import subprocess
    import sys

    for value, expected in (("1", True), ("yes", True), ("on", True), ("0", False),
                            ("false", False), (" OFF ", False), ("no", False), ("", False),
                            (None, False)):
        assert runtime._env_flag(value) is expected, value
    out = subprocess.run(  # and the variable is what import reads
        [sys.executable, "-c", "import snn_ipu.runtime as r; print(r.debug_enabled())"],
        env={**os.environ, "SNN_IPU_DEBUG": "false"}, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_runtime_settings_name_bad_arguments():
    import numpy as np

    for bad in ("yes", 1, None):
        with pytest.raises(TypeError, match="expected True or False"):
            runtime.set_debug(bad)
    for bad in (1, None, "tbb"):
        with pytest.raises(ValueError, match="backend: expected 'auto', 'pool' or 'openmp'"):
            runtime.set_threading_backend(bad)
    limit = runtime.cache_stats()["limit_bytes"]
    try:
        runtime.set_cache_limit(np.int64(5 << 20))
        assert runtime.cache_stats()["limit_bytes"] == 5 << 20
        for bad in (2 ** 64, -1, 1.5, True):
            with pytest.raises(ValueError, match="num_bytes"):
                runtime.set_cache_limit(bad)
    finally:
        runtime.set_cache_limit(limit)


def test_cache_limit_variable_beyond_64_bits_is_named():
    import os
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", "import snn_ipu"],
                         env={**os.environ, "SNN_IPU_CACHE_LIMIT_MB": str(1 << 44)},
                         capture_output=True, text=True)
    assert out.returncode != 0
    assert "SNN_IPU_CACHE_LIMIT_MB: expected a number of MiB" in out.stderr
