"""Concurrency: Python threads calling the kernels at once (the GIL is
released while they run, and they share one persistent thread pool) get the
results of serial calls bit for bit; after fork() -- including a fork while
another thread is inside a kernel, and DataLoader's fork workers -- the child
builds its own pool and gets the same results.

A forked child that deadlocked would hang the test: children are joined with
a generous timeout and a hang is reported as a failure (this is a guard, not a
timed assertion)."""
import multiprocessing
import os
import threading

import pytest
import torch
from torch.utils.data import DataLoader, Dataset

import snn_ipu
from support.oracle import SURROGATE_FACTORIES
from support.run_counts import runs_during

HANG_TIMEOUT_S = 300
fork_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

CONFIGS = [  # (shape, num_threads, surrogate, reset, reset_delay)
    ((13, 4, 50), 2, "atan", "subtract", True),
    ((7, 300), 3, "fast_sigmoid", "zero", False),
    ((25, 2, 2, 41), 1, "sigmoid", "none", True),
    ((40, 129), 2, "triangular", "subtract", False),
    ((3, 1000), 4, "SFS", "zero", True),
    ((60, 17), 2, "spike_rate_escape", "subtract", True),
    ((9, 3, 77), 1, "heaviside", "zero", False),
    ((31, 64), 8, "straight_through_estimator", "none", True),
]


def _forward_backward(index, seed):
    """One call's outputs and all its gradients (deterministic inputs)."""
    shape, threads, surrogate, reset, delay = CONFIGS[index]
    gen = torch.Generator().manual_seed(seed)
    cur = (torch.randn(shape, generator=gen) * 0.7 + 0.3).requires_grad_()
    beta = torch.rand(shape[-1], generator=gen).requires_grad_()
    threshold = (torch.rand(shape[1:], generator=gen) + 0.5).requires_grad_()
    spk, mem = snn_ipu.ops.lif(cur, beta, threshold, spike_grad=SURROGATE_FACTORIES[surrogate](),
                               reset_mechanism=reset, reset_delay=delay, num_threads=threads)
    w = torch.randn(shape, generator=gen)
    grads = torch.autograd.grad((spk * w).sum() + (mem * w.flip(0)).sum(),
                                (cur, beta, threshold))
    return [t.detach() for t in (spk, mem, *grads)]


def _assert_same(results, expected):
    assert len(results) == len(expected)
    for got, want in zip(results, expected):
        assert torch.equal(got, want)


def test_eight_threads_at_once_equal_serial_calls():
    rounds = 4
    expected = {(i, r): _forward_backward(i, 100 * i + r)
                for i in range(len(CONFIGS)) for r in range(rounds)}
    barrier = threading.Barrier(len(CONFIGS))
    results, errors = {}, []

    def worker(i):
        try:
            barrier.wait()
            for r in range(rounds):
                results[(i, r)] = _forward_backward(i, 100 * i + r)
        except BaseException as exc:  # reported below, with the thread's index
            errors.append((i, exc))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(CONFIGS))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for key, want in expected.items():
        _assert_same(results[key], want)


# ------------------------------------------------------------------- fork


def _child_checks(index, seed, expected, queue):
    try:
        results, runs = runs_during(lambda: _forward_backward(index, seed))
        _assert_same(results, expected)
        # A forked child cannot use the parent's OpenMP team: its own pool ran.
        if CONFIGS[index][1] > 1:
            assert runs["pool"] == 2 and runs["openmp"] == 0, runs
        queue.put("ok")
    except BaseException as exc:
        queue.put(repr(exc))


def _run_forked_child(index, seed, expected):
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_child_checks, args=(index, seed, expected, queue))
    child.start()
    child.join(HANG_TIMEOUT_S)
    if child.is_alive():
        child.kill()
        child.join()
        pytest.fail("the forked child hung (thread pool deadlock after fork?)")
    assert child.exitcode == 0, f"the forked child died with exit code {child.exitcode}"
    assert queue.get(timeout=10) == "ok"


@fork_only
def test_forked_child_after_parent_used_the_pool(threading_backend):
    threading_backend("pool")  # else the parent's calls would run on torch's OpenMP team
    expected, runs = runs_during(lambda: _forward_backward(0, 7))  # the pool now has helpers
    _, more = runs_during(lambda: _forward_backward(7, 8))  # eight threads: seven helpers
    assert runs["pool"] == more["pool"] == 2
    _run_forked_child(0, 7, expected)
    _run_forked_child(7, 8, _forward_backward(7, 8))
    _assert_same(_forward_backward(0, 7), expected)  # the parent's pool still works


@fork_only
@pytest.mark.parametrize("backend", ["pool", "auto"])
def test_fork_while_another_thread_runs_a_kernel(threading_backend, backend):
    threading_backend(backend)  # the busy thread's kernels on the pool, or on OpenMP
    expected = _forward_backward(1, 3)
    stop = threading.Event()
    calls = []

    def busy():
        big = torch.randn(200, 20000)
        while not stop.is_set():
            snn_ipu.ops.lif(big, 0.9, num_threads=2)
            calls.append(1)

    thread = threading.Thread(target=busy)
    thread.start()
    try:
        while not calls:  # the pool (or team) is in use from now on
            stop.wait(0.01)
        for _ in range(3):  # each fork likely lands inside a kernel call
            _run_forked_child(1, 3, expected)
    finally:
        stop.set()
        thread.join()


class _LifDataset(Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        return _forward_backward(i % len(CONFIGS), 50 + i)


@fork_only
def test_dataloader_fork_workers_run_the_kernels():
    expected = [_forward_backward(i % len(CONFIGS), 50 + i) for i in range(6)]
    loader = DataLoader(_LifDataset(), batch_size=None, num_workers=2,
                        multiprocessing_context="fork", timeout=HANG_TIMEOUT_S)
    for got, want in zip(loader, expected):
        _assert_same(got, want)
