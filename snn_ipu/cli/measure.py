"""Timing and memory measurement helpers for the benchmarks."""
from __future__ import annotations

import random
import statistics
import sys
import time

import torch


def interleaved_medians(fns: dict, repeats: int, warmup: int = 1, on_round=None) -> dict:
    """Median seconds of each of ``fns`` (name -> callable), timed round-robin:
    one call of each per round, in an order shuffled every round (seeded).
    Side-by-side ratios then see the same machine: on a shared VM, timing one
    after the other lets a slow minute land on one side only. The shuffle
    gives every call a varying predecessor, whose data fills the caches it
    starts with; a fixed or merely rotated order would give one of them the
    same predecessor nearly every round. ``on_round()`` is called after each
    round, warm-up included."""
    names = list(fns)
    order = random.Random(0)
    for _ in range(warmup):
        for name in names:
            fns[name]()
        if on_round is not None:
            on_round()
    times = {name: [] for name in names}
    for _ in range(repeats):
        order.shuffle(names)
        for name in names:
            start = time.perf_counter()
            fns[name]()
            times[name].append(time.perf_counter() - start)
        if on_round is not None:
            on_round()
    return {name: statistics.median(t) for name, t in times.items()}


class CopyProbe:
    """One call copies a buffer far above the caches with torch's
    multi-threaded copy; ``bytes_moved`` counts its read and its write. Timed
    in the same round-robin as the kernels, it gives the copy bandwidth the
    machine had while they ran."""

    def __init__(self, num_bytes: int = 256 * 1024 * 1024):
        self.src = torch.ones(num_bytes // 4)
        self.dst = torch.empty_like(self.src)
        self.bytes_moved = 2 * num_bytes

    def __call__(self):
        self.dst.copy_(self.src)


def peak_tensor_bytes(fn) -> int:
    """Peak bytes of CPU tensor memory that ``fn()`` holds at once above what
    was allocated before it ran: the running total of the allocations and
    frees torch's profiler records (profile_memory=True) during the call,
    plus the peak of snn_ipu's output pool (large outputs and the backward's
    scratch), whose buffers torch's allocator does not see (their sum bounds the true peak from above)."""
    import json
    import os
    import tempfile

    from torch.profiler import ProfilerActivity, profile

    from .. import runtime
    from .._backends.host import host

    pool_before = runtime.cache_stats()["in_use_bytes"]
    if host is not None:
        host.pool_reset_peak()
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        fn()
    pool_peak = runtime.cache_stats()["peak_in_use_bytes"] - pool_before
    handle, path = tempfile.mkstemp(suffix=".json")
    os.close(handle)
    try:
        prof.export_chrome_trace(path)
        with open(path) as trace:
            events = json.load(trace)["traceEvents"]
    finally:
        os.unlink(path)
    # Replay the allocations and frees in order, counting only blocks allocated
    # inside the window (a free of an older block is not an extra byte saved).
    records = sorted((e for e in events if e.get("name") == "[memory]"
                      and e.get("args", {}).get("Device Type") == 0), key=lambda e: e["ts"])
    live, total, peak = {}, 0, 0
    for record in records:
        nbytes, address = record["args"]["Bytes"], record["args"]["Addr"]
        if nbytes > 0:
            live[address] = nbytes
            total += nbytes
            peak = max(peak, total)
        elif address in live:
            total -= live.pop(address)
    return peak + pool_peak


class Progress:
    """A one-line progress bar on stderr (no dependency)."""

    def __init__(self, total: int, label: str = ""):
        self.total, self.done, self.label = max(total, 1), 0, label
        self.tty = sys.stderr.isatty()
        self._draw("")

    def step(self, what: str = ""):
        self.done += 1
        self._draw(what)

    def _draw(self, what):
        if not self.tty and self.done < self.total:
            return  # a log gets one line per bar, when it completes
        width = 28
        filled = width * self.done // self.total
        bar = "#" * filled + "." * (width - filled)
        end = "\n" if self.done >= self.total else ""
        sys.stderr.write(f"\r{self.label} [{bar}] {self.done}/{self.total} {what[:40]:<40}{end}")
        sys.stderr.flush()
