"""The bench command runs end to end (a smoke run; timings are not asserted)."""
import json
import subprocess
import sys


def test_bench_quick_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, "-m", "snn_ipu", "bench", "--shapes", "5,2,33", "--repeats", "1",
         "--warmup", "0", "--json", str(out), "--plot", str(tmp_path / "bench.png")],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "snnTorch Leaky loop" in result.stdout
    report = json.loads(out.read_text())
    names = [r["implementation"] for r in report["results"]]
    assert names[0] == "snn_ipu" and "snnTorch Leaky loop" in names
    assert report["copy_bandwidth_GBps"] > 0
    assert all(r["shape"] == [5, 2, 33] and r["ms"] > 0 for r in report["results"])


def test_bench_one_thread_row_and_baselines_none(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, "-m", "snn_ipu", "bench", "--shapes", "5,2,33", "--repeats", "1",
         "--warmup", "0", "--baselines", "none", "--one-thread", "--no-check",
         "--json", str(out), "--plot", str(tmp_path / "bench.png")],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    names = [r["implementation"] for r in json.loads(out.read_text())["results"]]
    assert names == ["snn_ipu", "snn_ipu, 1 thread"]


def test_interleaved_medians_times_every_function_in_shuffled_rounds():
    from snn_ipu._measure import interleaved_medians

    calls, rounds = [], []
    fns = {name: (lambda name=name: calls.append(name)) for name in "abcd"}
    medians = interleaved_medians(fns, repeats=12, warmup=1,
                                  on_round=lambda: rounds.append(len(calls)))
    assert set(medians) == set("abcd") and all(m >= 0 for m in medians.values())
    assert rounds == [4 * (i + 1) for i in range(13)]  # warm-up round included
    timed = [calls[i:i + 4] for i in range(4, len(calls), 4)]
    assert all(sorted(r) == list("abcd") for r in timed)
    # Shuffled, not rotated: each function follows more than one other.
    predecessors = {name: {r[r.index(name) - 1] for r in timed if r.index(name) > 0}
                    for name in "abcd"}
    assert all(len(p) >= 2 for p in predecessors.values())


def test_bench_baselines_are_checked():
    import argparse

    import pytest

    from snn_ipu.bench import parse_baselines

    assert parse_baselines("none") == frozenset()
    assert parse_baselines("plain, snntorch") == {"plain", "snntorch"}
    for bad in ("snntroch", "plain,none", ""):
        with pytest.raises(argparse.ArgumentTypeError, match="--baselines"):
            parse_baselines(bad)


def _ablations():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "ablations.py"
    spec = importlib.util.spec_from_file_location("ablations", path)
    ablations = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ablations)
    return ablations


def _positive_finite(medians):
    import math

    return all(math.isfinite(seconds) and seconds > 0 for seconds in medians.values())


def test_ablations_that_call_the_host_module_run():
    # benchmarks/ablations.py calls the host module (directly in part 5):
    # kept in step with its API by running the parts that do (timings are
    # not asserted).
    ablations = _ablations()
    per_element = ablations.warm_kernels_per_element(repeats=1)
    assert set(per_element) == {"LIF forward kernel", "LIF backward kernel", "torch mul",
                                "torch add"}
    assert all(seconds > 0 for seconds in per_element.values())
    per_call = ablations.small_layer_call_overhead(rounds=1, calls=3)
    assert set(per_call) == {"ops.lif forward + backward", "the two kernel calls alone"}
    assert all(seconds > 0 for seconds in per_call.values())


def test_ablations_cold_parts_run_with_tiny_sizes():
    # Part 3 without the compiled loop (it compiles for a minute) and part 6,
    # each with a small copy in place of the 256 MiB one.
    ablations = _ablations()
    cold = ablations.cold_call_breakdown(repeats=2, shape=(3, 2, 5), compiled=False,
                                         copy_bytes=1 << 20)
    assert set(cold) == {"whole call", "the two kernels", "no-op autograd.Function"}
    assert _positive_finite(cold) and cold["the two kernels"] < cold["whole call"]
    small = ablations.cold_small_tensor_ops(repeats=3, copy_bytes=1 << 20)
    assert set(small) == {"torch.tensor(0.9)", "torch.zeros(128000)", "autograd reshape"}
    assert _positive_finite(small)


def test_ablations_no_op_function_has_the_kernels_inputs_and_outputs():
    import torch

    ablations = _ablations()
    current = torch.ones(3, 2, 5, requires_grad=True)
    spikes = ablations.no_op_lif((3, 2, 5))(current)
    assert spikes.shape == current.shape and spikes.grad_fn is not None
    spikes.backward(torch.ones_like(spikes))
    assert current.grad.shape == current.shape


def test_ablations_part_numbers():
    import pytest

    ablations = _ablations()
    assert ablations.parse_parts([]) == list(range(1, len(ablations.PARTS) + 1))
    assert ablations.parse_parts(["6", "3", "6"]) == [6, 3]
    for bad in (["0"], [str(len(ablations.PARTS) + 1)], ["x"]):
        with pytest.raises(SystemExit):
            ablations.parse_parts(bad)
