"""The bench command runs end to end (a smoke run; timings are not asserted)."""
import json
import subprocess
import sys

import pytest
import torch

from support.paths import ROOT


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
    from snn_ipu.cli.measure import interleaved_medians

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

    from snn_ipu.cli.bench import parse_baselines

    assert parse_baselines("none") == frozenset()
    assert parse_baselines("plain, snntorch") == {"plain", "snntorch"}
    for bad in ("snntroch", "plain,none", ""):
        with pytest.raises(argparse.ArgumentTypeError, match="expected 'none' or names"):
            parse_baselines(bad)


def test_memory_passes_alone_reads_and_writes_what_the_bench_counts():
    from snn_ipu.cli.baselines import memory_passes_alone

    run = memory_passes_alone()
    gen = torch.Generator().manual_seed(0)
    for shape in ((4, 3, 5), (4, 3, 5), (2, 7)):
        x = torch.randn(shape, generator=gen).requires_grad_()
        g = torch.randn(shape, generator=gen)
        out = run(x)
        # Forward: the current read, a tensor of its size written; backward:
        # the current and the spikes' gradient read, the gradient written.
        assert torch.equal(out, x.detach()) and out.shape == x.shape
        out.backward(g)
        assert torch.equal(x.grad, x.detach() + g)
    # The same shape reuses its buffers, and autograd takes the gradient's
    # view of its buffer without a copy: no allocation is timed.
    x = torch.randn(2, 7, requires_grad=True)
    first = run(x)
    spikes_buffer = first.data_ptr()
    first.backward(torch.ones(2, 7))
    grad_buffer = x.grad.data_ptr()
    x.grad = None
    second = run(x)
    second.backward(torch.ones(2, 7))
    assert second.data_ptr() == spikes_buffer and x.grad.data_ptr() == grad_buffer
    # A gradient left in place would be overwritten, not accumulated: refused.
    with pytest.raises(RuntimeError, match="set current.grad = None before each call"):
        run(x)


def test_bench_floor_row(tmp_path):
    from snn_ipu.__main__ import main as cli_main
    from snn_ipu.cli.bench import FLOOR, parse_baselines

    assert parse_baselines("floor,snntorch") == {"floor", "snntorch"}
    out = tmp_path / "b.json"
    assert cli_main(["bench", "--shapes", "6,3,40", "--repeats", "1", "--warmup", "0",
                     "--baselines", "floor", "--json", str(out),
                     "--plot", str(tmp_path / "b.png")]) == 0
    rows = json.loads(out.read_text())["results"]
    assert [r["implementation"] for r in rows] == ["snn_ipu", FLOOR]


def _ablations():
    import importlib.util
    path = ROOT / "benchmarks" / "ablations.py"
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


def _usage_error(argv, capsys):
    """Runs the CLI on ``argv``, expecting argparse's usage error: exit 2 and
    one 'argument OPTION: ...' line on stderr (no traceback). Returns it."""
    from snn_ipu.__main__ import main as cli_main

    with pytest.raises(SystemExit) as exc:
        cli_main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return [line for line in err.splitlines() if "error:" in line][-1]


# Small shapes and tmp outputs: before the options were checked, some of
# these ran (and wrote their JSON) instead of stopping.
_SMALL_BENCH = ["--shapes", "3,2,5", "--baselines", "none", "--no-check"]
_SMALL_BENCH_TRAIN = ["--repeats", "1", "--num-steps", "2", "--batch-size", "2"]



@pytest.mark.parametrize("argv,option,expected", [
    (["bench", "--repeats", "0"] + _SMALL_BENCH, "--repeats", "expected an integer >= 1"),
    (["bench", "--repeats", "x"] + _SMALL_BENCH, "--repeats", "expected an integer >= 1"),
    (["bench", "--warmup", "-1"] + _SMALL_BENCH, "--warmup", "expected an integer >= 0"),
    (["bench", "--threads", "0"] + _SMALL_BENCH, "--threads",
     "expected an integer from 1 to 1024"),
    (["bench", "--threads", "1025"] + _SMALL_BENCH, "--threads",
     "expected an integer from 1 to 1024"),
    (["bench-train", "--repeats", "0", "--batch-size", "2", "--num-steps", "2"], "--repeats",
     "expected an integer >= 1"),
    (["bench-train", "--threads", "0"] + _SMALL_BENCH_TRAIN, "--threads",
     "expected an integer from 1 to 1024"),
    (["bench-train", "--num-steps", "0", "--repeats", "1", "--batch-size", "2"], "--num-steps",
     "expected an integer >= 1"),
    (["bench-train", "--batch-size", "0", "--repeats", "1", "--num-steps", "2"], "--batch-size",
     "expected an integer >= 1"),
    (["bench-train", "--inputs", "0"] + _SMALL_BENCH_TRAIN, "--inputs",
     "expected an integer >= 1"),
])
def test_bad_counts_are_usage_errors_naming_the_option(argv, option, expected, capsys,
                                                        monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    line = _usage_error(argv, capsys)
    assert f"argument {option}: {expected}" in line, line


@pytest.mark.parametrize("value", ["a,b", "5", "5,0,8", "5,2,8;", "5,2,x"])
def test_bad_shapes_name_the_expected_form_once(value, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    line = _usage_error(["bench", "--shapes", value], capsys)
    assert "argument --shapes: expected" in line and "T,B,N" in line, line
    assert "invalid" not in line and line.count("--shapes") == 1, line


def test_bad_baselines_name_the_option_once(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    line = _usage_error(["bench", "--baselines", "snntroch"], capsys)
    assert "argument --baselines: expected 'none' or names from" in line, line
    assert line.count("--baselines") == 1, line


@pytest.mark.parametrize("command", ["bench", "bench-train", "train", "plan"])
def test_every_option_with_a_value_says_its_default(command):
    # Each option that takes a value (other than a required one) has a help
    # text that shows its default.
    import argparse

    from snn_ipu.cli import bench, bench_train, train

    from snn_ipu.cli import plan as plan_cli

    module = {"bench": bench, "bench-train": bench_train, "train": train,
              "plan": plan_cli}[command]
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    formatter = parser._get_formatter()
    for action in parser._actions:
        if not action.option_strings or action.nargs == 0 or action.required:
            continue  # positionals, flags (--help, store_true) and required options
        assert action.help, f"{command} {action.option_strings[0]} has no help"
        assert "default" in formatter._expand_help(action), (command, action.option_strings)


def _flip_float16_spikes(monkeypatch):
    """snn_ipu's kernel as bench runs it, made wrong for float16 inputs only."""
    import torch

    from snn_ipu.cli import baselines as _baselines

    real = _baselines.fused

    def fused(num_threads=None, model="leaky"):
        run = real(num_threads, model)

        def wrong_in_half(current):
            spk = run(current)
            return 1 - spk if current.dtype == torch.float16 else spk

        return wrong_in_half

    monkeypatch.setattr(_baselines, "fused", fused)


def test_bench_float16_check_runs_the_kernel_in_float16(monkeypatch, tmp_path):
    # The correctness check must run the benchmarked (float16) kernel: one
    # that is wrong in float16 only is caught.
    from snn_ipu.__main__ import main as cli_main

    _flip_float16_spikes(monkeypatch)
    argv = ["bench", "--shapes", "5,2,33", "--repeats", "1", "--warmup", "0",
            "--baselines", "none", "--json", str(tmp_path / "b.json"),
            "--plot", str(tmp_path / "b.png")]
    assert cli_main(argv + ["--dtype", "float32"]) == 0  # float32 is untouched
    with pytest.raises(AssertionError, match="spikes differ"):
        cli_main(argv + ["--dtype", "float16"])


def test_report_records_the_command_that_ran(tmp_path):
    # Called as main([...]) (not from a shell, so sys.argv is the caller's),
    # and with a path that needs quoting.
    from snn_ipu.__main__ import main as cli_main

    out = tmp_path / "a report.json"
    argv = ["bench", "--shapes", "5,2,8", "--repeats", "1", "--warmup", "0",
            "--baselines", "none", "--no-check", "--json", str(out),
            "--plot", str(tmp_path / "b.png")]
    assert cli_main(argv) == 0
    recorded = json.loads(out.read_text())["command"]
    import shlex
    assert shlex.split(recorded) == ["python", "-m", "snn_ipu", *argv]


def test_bench_float16_check_passes_on_the_real_kernel(tmp_path):
    # In process (a subprocess costs 3 s of imports): the same main().
    from snn_ipu.__main__ import main as cli_main

    out = tmp_path / "bench.json"
    assert cli_main(["bench", "--shapes", "7,3,65", "--repeats", "1", "--warmup", "0",
                     "--baselines", "none", "--dtype", "float16", "--json", str(out),
                     "--plot", str(tmp_path / "bench.png")]) == 0
    rows = json.loads(out.read_text())["results"]
    assert all(r["dtype"] == "float16" for r in rows)
    assert 0 <= rows[0]["check_rel_err"] <= 2e-3  # tests/lif_compare.py's float16 tolerance


def test_bench_peak_memory_in_mib_and_small_layers_marked(tmp_path, capsys):
    from snn_ipu.__main__ import main as cli_main

    out = tmp_path / "bench.json"
    assert cli_main(["bench", "--shapes", "5,2,8;4,16,8192", "--repeats", "1", "--warmup",
                     "0", "--baselines", "plain", "--no-check", "--json", str(out),
                     "--plot", str(tmp_path / "bench.png")]) == 0
    stdout = capsys.readouterr().out
    rows = json.loads(out.read_text())["results"]
    for r in rows:  # the old key stays, in its unit; the absolute peak is added
        assert r["peak_extra_MiB"] == pytest.approx(
            r["peak_extra_tensors"] * 4 * r["elements"] / 2**20)
    assert "peak MiB" in stdout
    table = {line.split()[0]: line for line in stdout.splitlines()
             if line.split() and line.split()[0] in ("5x2x8", "4x16x8192")}
    assert " T*" in table["5x2x8"] and " T*" not in table["4x16x8192"]
    assert "* layer under 1 MiB" in stdout


@pytest.mark.parametrize("model", ["synaptic", "alpha", "lapicque", "rleaky", "rsynaptic"])
def test_bench_other_models_check_and_time_against_their_snntorch_loops(model, tmp_path):
    from snn_ipu.__main__ import main as cli_main

    out = tmp_path / "b.json"
    assert cli_main(["bench", "--model", model, "--shapes", "6,3,40", "--repeats", "1",
                     "--warmup", "0", "--baselines", "snntorch,plain", "--json", str(out),
                     "--plot", str(tmp_path / "b.png")]) == 0
    rows = json.loads(out.read_text())["results"]
    names = {r["implementation"] for r in rows}
    from snn_ipu.cli.baselines import SNNTORCH_CLASS

    assert names == {"snn_ipu", f"snnTorch {SNNTORCH_CLASS[model]} loop", "plain PyTorch loop"}
    assert all(r["model"] == model for r in rows)
    assert rows[0]["check_rel_err"] is not None  # checked against snnTorch's loop


@pytest.mark.parametrize("model", ["rleaky", "rsynaptic"])
def test_bench_linear_recurrence_checks_and_times_against_the_matmuls_alone(model, tmp_path):
    from snn_ipu.__main__ import main as cli_main
    from snn_ipu.cli.baselines import SNNTORCH_CLASS

    out = tmp_path / "b.json"
    assert cli_main(["bench", "--model", model, "--recurrent", "linear", "--shapes", "6,3,40",
                     "--repeats", "1", "--warmup", "0", "--json", str(out),
                     "--plot", str(tmp_path / "b.png")]) == 0
    rows = json.loads(out.read_text())["results"]
    assert {r["implementation"] for r in rows} == {
        "snn_ipu", f"snnTorch {SNNTORCH_CLASS[model]} loop", "matmuls alone"}
    assert all(r["recurrent"] == "linear" for r in rows)
    assert rows[0]["check_rel_err"] is not None


def test_bench_linear_recurrence_needs_a_recurrent_model(capsys):
    from snn_ipu.__main__ import main as cli_main

    assert cli_main(["bench", "--model", "leaky", "--recurrent", "linear"]) == 2
    assert "--recurrent linear: for --model rleaky or rsynaptic" in capsys.readouterr().err
