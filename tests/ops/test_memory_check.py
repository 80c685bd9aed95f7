"""A call whose buffers exceed the machine's memory raises MemoryError, naming
the shape and the bytes, before it allocates anything (snn_ipu/_lif/memory.py)."""
import sys

import pytest
import torch

import snn_ipu
from snn_ipu._lif import kernels as _kernels
from snn_ipu._lif import library as _library
from snn_ipu._lif import memory as _memory

lif = snn_ipu.ops.lif

def test_request_beyond_any_memory_raises_memory_error():
    # 10^12 steps x 4 neurons x 4 bytes x 2 outputs: 32 TB. Without the
    # check, torch either fails with an allocator RuntimeError or (with
    # overcommit) the process is killed later.
    with pytest.raises(MemoryError, match=r"forward pass over input_ of shape "
                                          r"\(1000000000000, 4\).*32000000000080 bytes"):
        lif(torch.zeros(4), 0.9, num_steps=10**12)


def test_expanded_input_beyond_memory_is_refused_before_the_copy():
    x = torch.zeros(1, 1000).expand(10**10, 1000)  # a view: no memory
    with pytest.raises(MemoryError, match=r"shape \(10000000000, 1000\)"):
        lif(x, 0.9)


@pytest.fixture
def small_machine(monkeypatch):
    """A machine with 100 MiB free, checked for every request size."""
    monkeypatch.setattr(_memory, "CHECK_MIN_BYTES", 0)
    monkeypatch.setattr(_memory, "available_bytes", lambda: 100 << 20)


def test_refused_before_any_output_is_allocated(small_machine, monkeypatch):
    def no_kernel_call(*args, **kwargs):
        # The host module allocates the outputs: reaching it is allocating.
        raise AssertionError("the kernels were called before the memory check")

    monkeypatch.setattr(_kernels, "require_host", no_kernel_call)
    x = torch.zeros(1, 20000).expand(2000, 20000)  # copy + 2 outputs: 480 MB
    with pytest.raises(MemoryError, match=r"needs 458\.1 MiB \(480400000 bytes\), but only "
                                          r"100\.0 MiB"):
        lif(x, 0.9)


def test_fitting_request_runs_on_the_small_machine(small_machine):
    cur = torch.randn(10, 1000)
    spk, mem = lif(cur, 0.9)
    assert spk.shape == mem.shape == cur.shape


def test_room_held_by_cached_buffers_is_freed_when_a_call_needs_it(monkeypatch):
    """The pool reuses a cached buffer only for an output of its very size,
    so a call that fits only in the room cached buffers hold gets it by
    freeing them; one that fits without them leaves the cache alone."""
    import gc

    from snn_ipu import runtime

    gc.collect()
    runtime.empty_cache()
    spk, _ = lif(torch.zeros(8, 1 << 20), 0.9, record_mem=False)  # a 32 MiB output
    del spk
    gc.collect()
    cached = runtime.cache_stats()["cached_bytes"]
    assert cached >= 32 << 20
    monkeypatch.setattr(_memory, "_system_bytes", lambda: 50 << 20)
    _memory.require(70 << 20, "a call of 70 MiB")  # fits in 50 MiB + the cache
    assert runtime.cache_stats()["cached_bytes"] == 0
    with pytest.raises(MemoryError, match="a call of 90 MiB"):
        _memory.require(90 << 20, "a call of 90 MiB")  # does not: refused
    spk, _ = lif(torch.zeros(8, 1 << 20), 0.9, record_mem=False)
    del spk
    gc.collect()
    monkeypatch.setattr(_memory, "_system_bytes", lambda: 80 << 20)
    _memory.require(70 << 20, "a call of 70 MiB")  # fits without the cache: kept
    assert runtime.cache_stats()["cached_bytes"] >= 32 << 20


def test_backward_is_checked_too(monkeypatch):
    cur = torch.randn(50, 1000, requires_grad=True)
    spk, mem = lif(cur, 0.9)
    monkeypatch.setattr(_memory, "CHECK_MIN_BYTES", 0)
    monkeypatch.setattr(_memory, "available_bytes", lambda: 1000)
    with pytest.raises(MemoryError, match="backward pass over a layer of 50 steps x 1000 neurons"):
        (spk.sum() + mem.sum()).backward()


def test_reference_path_is_checked_too():
    x = torch.zeros(1, 1000).expand(10**10, 1000)
    with pytest.warns(snn_ipu.ReferencePathWarning):
        with pytest.raises(MemoryError, match="reference path over input_ of shape"):
            lif(x, 0.9, spike_grad=lambda u: (u > 0).float())


def test_unknown_available_memory_checks_nothing(monkeypatch):
    monkeypatch.setattr(_memory, "CHECK_MIN_BYTES", 0)
    monkeypatch.setattr(_memory, "available_bytes", lambda: None)
    _memory.require(2**70, "anything")  # no limit known: no refusal


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/meminfo")
def test_available_bytes_is_within_this_machine():
    fields = {}
    with open("/proc/meminfo") as fh:
        for line in fh:
            key, value = line.split(":")
            fields[key] = int(value.split()[0]) * 1024
    available = _memory.available_bytes()
    assert 0 < available <= fields["MemTotal"] + fields.get("SwapTotal", 0)


@pytest.mark.parametrize("files,expected", [
    ({"max": "max\n", "current": "123\n"}, None),                       # v2, no limit
    ({"max": "1000\n", "current": "600\n", "stat": "inactive_file 100\n"}, 500),
    ({"max": "1000\n", "current": "1200\n"}, 0),                        # over the limit
    ({"max": "9223372036854771712\n", "current": "5\n"}, None),          # v1's "no limit"
])
def test_cgroup_headroom(tmp_path, monkeypatch, files, expected):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    monkeypatch.setattr(_memory, "_CGROUPS", ((tmp_path / "max", tmp_path / "current",
                                               tmp_path / "stat", "inactive_file"),))
    assert _memory._cgroup_available() == expected


@pytest.mark.skipif(not _library.AVAILABLE,
                    reason="ops.lif under torch.compile needs torch.library.custom_op (torch >= 2.4)")
def test_checked_call_compiles_without_graph_breaks_and_is_still_checked(monkeypatch):
    """torch.compile traces ops.lif: its check (which reads /proc) must not
    break the graph, and the check inside the op still runs when compiled."""
    monkeypatch.setattr(_memory, "CHECK_MIN_BYTES", 0)  # every request is checked

    def step(x):
        spk, mem = lif(x, 0.9)
        return spk.sum() + mem.sum()

    x = torch.randn(10, 30)
    explanation = torch._dynamo.explain(step)(x)
    assert explanation.graph_break_count == 0, explanation.break_reasons
    compiled = torch.compile(step, fullgraph=True, backend="aot_eager")
    assert torch.equal(compiled(x), step(x))
    monkeypatch.setattr(_memory, "available_bytes", lambda: 100)
    with pytest.raises(MemoryError, match="forward pass over a layer of 10 steps x 30 neurons"):
        compiled(x)
