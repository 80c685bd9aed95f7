"""Timing and memory measurement helpers for the benchmarks."""
from __future__ import annotations

import re
import statistics
import sys
import time

import torch


def median_seconds(fn, repeats: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def copy_bandwidth(num_bytes: int = 256 * 1024 * 1024, repeats: int = 7) -> float:
    """The machine's memory copy bandwidth in bytes/s (read + write counted),
    measured with torch's multi-threaded copy of a buffer far above the caches."""
    src = torch.ones(num_bytes // 4)
    dst = torch.empty_like(src)
    seconds = median_seconds(lambda: dst.copy_(src), repeats, warmup=2)
    return 2 * num_bytes / seconds


def _status_bytes(field: str) -> int:
    with open("/proc/self/status") as status:
        match = re.search(rf"{field}:\s+(\d+) kB", status.read())
    return int(match.group(1)) * 1024 if match else -1


class PeakMemory:
    """Peak resident memory above the level at entry (Linux: VmHWM, reset
    through /proc/self/clear_refs). `extra` is None where unsupported."""

    def __enter__(self):
        self.extra = None
        try:
            with open("/proc/self/clear_refs", "w") as refs:
                refs.write("5")
        except OSError:
            self._base = -1
            return self
        self._base = _status_bytes("VmRSS")
        return self

    def __exit__(self, *exc):
        if self._base >= 0:
            self.extra = max(0, _status_bytes("VmHWM") - self._base)
        return False


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
