"""Refusing a kernel call whose buffers cannot fit in memory, before any of
them is allocated.

Linux overcommits: ``torch.empty`` of more bytes than the machine can hold
often succeeds, and the process is killed later, while the kernel writes the
pages. So the op adds up the bytes a call will allocate and compares them with
what the machine (and its memory cgroup, in a container) can still provide,
raising a ``MemoryError`` that names the shape and the bytes.

Reading /proc costs tens of microseconds (benchmarks/RESULTS.md, "Tuning
constants"), so requests below ``CHECK_MIN_BYTES`` are not checked: they cannot plausibly exceed memory, and if they do torch's own
allocation error still says so.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from .. import runtime
from .._compat import compiling

CHECK_MIN_BYTES = 64 << 20

_MEMINFO = Path("/proc/meminfo")
# cgroup v2 (unified), then v1: (limit file, usage file, stat key of the
# reclaimable page cache).
_CGROUPS = (
    (Path("/sys/fs/cgroup/memory.max"), Path("/sys/fs/cgroup/memory.current"),
     Path("/sys/fs/cgroup/memory.stat"), "inactive_file"),
    (Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
     Path("/sys/fs/cgroup/memory/memory.usage_in_bytes"),
     Path("/sys/fs/cgroup/memory/memory.stat"), "total_inactive_file"),
)


def _meminfo_available() -> Optional[int]:
    """MemAvailable + SwapFree: what the kernel can hand out without the OOM
    killer, as /proc/meminfo estimates it."""
    try:
        fields = {}
        with _MEMINFO.open("rb") as fh:
            for line in fh:
                key, _, rest = line.partition(b":")
                if key in (b"MemAvailable", b"SwapFree"):
                    fields[key] = int(rest.split()[0]) * 1024
        return fields[b"MemAvailable"] + fields.get(b"SwapFree", 0)
    except (OSError, KeyError, ValueError, IndexError):
        return None


def _stat_value(path: Path, key: str) -> int:
    try:
        with path.open() as fh:
            for line in fh:
                name, _, value = line.partition(" ")
                if name == key:
                    return int(value)
    except (OSError, ValueError):
        pass
    return 0


def _cgroup_available() -> Optional[int]:
    """The memory cgroup's limit minus its usage, counting inactive page cache
    as free (the kernel reclaims it before the cgroup's OOM killer runs);
    None without a limit."""
    for limit_file, usage_file, stat_file, key in _CGROUPS:
        try:
            limit_text = limit_file.read_text().strip()
            usage = int(usage_file.read_text())
        except (OSError, ValueError):
            continue
        if limit_text == "max" or int(limit_text) >= 1 << 60:  # v1 spells "none" 2^63-4096
            return None
        return max(0, int(limit_text) - usage + _stat_value(stat_file, key))
    return None


def _system_bytes() -> Optional[int]:
    """What the system (and the memory cgroup) can still provide, or None
    where unknown."""
    known = [b for b in (_meminfo_available(), _cgroup_available()) if b is not None]
    return min(known) if known else None


def available_bytes() -> Optional[int]:
    """Bytes a new allocation can still get, or None where unknown: what the
    system can provide plus the output pool's cached buffers (require frees
    them when a call needs their room: the pool reuses only buffers of the
    very size asked for)."""
    system = _system_bytes()
    return None if system is None else system + runtime.cache_stats()["cached_bytes"]


def format_bytes(n: int) -> str:
    for unit, size in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit} ({n} bytes)"
    return f"{n} bytes"


def require(nbytes: int, what) -> None:
    """Raise MemoryError, naming `what` (a string, or a function returning
    one: the kernels' per-call checks describe the call only when they
    refuse it), if `nbytes` cannot be allocated."""
    # Under torch.compile, reading /proc would break the graph; the custom
    # op's own check (library.py) runs when the compiled graph does.
    if nbytes < CHECK_MIN_BYTES or compiling():
        return
    available = available_bytes()
    if available is None:
        return
    if nbytes <= available:
        cached = runtime.cache_stats()["cached_bytes"]
        if cached and nbytes > available - cached:
            # It fits only in the room the pool's cached buffers hold, which
            # this call's buffers reuse only where the sizes match: free them.
            runtime.empty_cache()
        return
    if callable(what):
        what = what()
    raise MemoryError(
        f"snn_ipu.ops.lif: {what} needs {format_bytes(nbytes)}, but only "
        f"{format_bytes(available)} of memory is available (MemAvailable + "
        f"SwapFree, and the memory cgroup's headroom, plus snn_ipu's cached "
        f"buffers), so the call was refused before allocating. Use fewer time "
        f"steps or neurons per call.")
