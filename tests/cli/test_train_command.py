"""python -m snn_ipu train: the seed network learns the built-in digits."""
import importlib.util
import json
import subprocess
import sys

import pytest

pytest.importorskip("sklearn", reason="the digits dataset ships with scikit-learn")


# The commands run from a directory outside the source tree: `python -m`
# puts the current directory first on sys.path, and a source tree without a
# build there would shadow the installed package (see test_source_tree_...).


def test_train_digits_reaches_90_percent(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "snn_ipu", "train", "--epochs", "15", "--seed", "0"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    line = [l for l in result.stdout.splitlines() if "test accuracy" in l][-1]
    accuracy = float(line.split("test accuracy")[1].split("%")[0])
    assert accuracy >= 90.0, result.stdout


def test_compare_trains_both_from_the_same_weights(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "snn_ipu", "train", "--epochs", "1", "--compare"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "samples/s" in result.stdout

    def accuracy(name):
        line = [l for l in result.stdout.splitlines() if l.startswith(f"{name}: test accuracy")][-1]
        return float(line.split("test accuracy")[1].split("%")[0])

    # Same weights, same batches, gradients equal to round-off: one epoch
    # leaves both models (nearly) the same, and both have learnt something.
    fused, loop = accuracy("snn_ipu (fused)"), accuracy("snnTorch tutorial loop")
    assert abs(fused - loop) <= 1.0, result.stdout
    assert fused > 30.0, result.stdout  # chance is 10%


def test_bench_train_checks_and_times_both(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "snn_ipu", "bench-train", "--repeats", "1", "--batch-size", "16",
         "--num-steps", "5", "--json", str(tmp_path / "t.json")],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "same loss" in result.stdout and "faster" in result.stdout
    report = json.loads((tmp_path / "t.json").read_text())
    sides = {"snn_ipu (fused)", "snnTorch tutorial loop"}
    assert "for-loop Adam" in report["ms"]  # fused Adam too, where torch has it
    for optimizer, ms in report["ms"].items():
        assert set(ms) == sides and all(v > 0 for v in ms.values())
        assert report["speedup"][optimizer] == pytest.approx(
            ms["snnTorch tutorial loop"] / ms["snn_ipu (fused)"])


def test_source_tree_without_a_build_is_named_not_run(tmp_path):
    # What `python -m snn_ipu train` in a clone does after `pip install .`:
    # the clone's snn_ipu (no compiled module) comes first on sys.path. The
    # command must say so rather than train on the slow reference path.
    import shutil
    from pathlib import Path

    import snn_ipu

    installed = Path(snn_ipu.__file__).parent
    shutil.copytree(installed, tmp_path / "snn_ipu",
                    ignore=shutil.ignore_patterns("_host.*", "__pycache__", "*.gp", "*.so"))
    probe = "import snn_ipu._backends.host as b; print(b.host is None)"
    imported = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                              timeout=300, cwd=tmp_path)
    if imported.stdout.strip() != "True":
        pytest.skip("snn_ipu is an editable install here, whose import hook finds its "
                    "compiled module for any copy: nothing is shadowed")
    result = subprocess.run([sys.executable, "-m", "snn_ipu", "train", "--epochs", "1"],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "a copy without a build, in place of the installed one at" in result.stderr
    assert str(installed.resolve()) in result.stderr


def test_only_the_commands_that_run_host_kernels_need_them(monkeypatch, capsys):
    # Without the host module, bench stops with the reason (exit 2), while
    # training on the IPU (which never calls the host kernels) is not
    # refused for it: it goes on to ask for PopTorch.
    from snn_ipu import __main__ as cli
    from snn_ipu._backends import host as _backend

    monkeypatch.setattr(_backend, "host", None)
    assert cli.main(["bench", "--quick", "--repeats", "1"]) == 2
    assert "python -m snn_ipu bench: snn_ipu:" in capsys.readouterr().err
    if importlib.util.find_spec("poptorch") is not None:
        return  # with PopTorch it would train on the IPU: the bench half is the test
    assert cli.main(["train", "--device", "ipu", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("python -m snn_ipu train: --device ipu needs PopTorch"), err


@pytest.mark.parametrize("argv,option,expected", [
    (["--epochs", "0"], "--epochs", "expected an integer >= 1"),
    (["--batch-size", "0", "--epochs", "1"], "--batch-size", "expected an integer >= 1"),
    (["--num-steps", "0", "--epochs", "1"], "--num-steps", "expected an integer >= 1"),
    (["--threads", "0", "--epochs", "1"], "--threads", "expected an integer from 1 to 1024"),
    (["--threads", "1025", "--epochs", "1"], "--threads", "expected an integer from 1 to 1024"),
    (["--epochs", "1.5"], "--epochs", "expected an integer >= 1"),
])
def test_bad_train_options_are_usage_errors_naming_the_option(argv, option, expected, capsys):
    from snn_ipu.__main__ import main as cli_main

    with pytest.raises(SystemExit) as exc:
        cli_main(["train"] + argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"argument {option}: {expected}" in err, err


def test_ipu_training_refuses_compare_before_looking_for_poptorch(capsys):
    from snn_ipu.__main__ import main as cli_main

    assert cli_main(["train", "--device", "ipu", "--compare", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("python -m snn_ipu train: --compare trains snnTorch's loop"), err


def test_ipu_training_refuses_a_batch_larger_than_a_split(monkeypatch, capsys):
    # A stand-in PopTorch: the check runs before anything is compiled.
    import types

    from snn_ipu.__main__ import main as cli_main

    monkeypatch.setitem(sys.modules, "poptorch", types.ModuleType("poptorch"))
    assert cli_main(["train", "--device", "ipu", "--batch-size", "500", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert "--batch-size 500: the IPU runs whole batches only" in err and "359" in err


def test_mnist_without_torchvision_is_a_one_line_error(monkeypatch, capsys, tmp_path):
    # As without PopTorch for --device ipu: a message, not a traceback.
    from snn_ipu.__main__ import main as cli_main

    monkeypatch.setitem(sys.modules, "torchvision", None)  # import fails
    assert cli_main(["train", "--dataset", "mnist", "--epochs", "1",
                     "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("python -m snn_ipu train: --dataset mnist needs torchvision"), err
    assert len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("neuron", ["synaptic", "alpha", "lapicque", "rleaky"])
def test_train_other_neurons_learns_as_the_snntorch_loop_does(neuron, capsys):
    # One short epoch of each side, in process: the fused network and the
    # tutorial's loop of the same neurons, from the same weights, end equal
    # to round-off; both learn something.
    from snn_ipu.__main__ import main as cli_main

    assert cli_main(["train", "--neuron", neuron, "--epochs", "1", "--num-steps", "10",
                     "--compare"]) == 0
    out = capsys.readouterr().out
    assert f"of {neuron} neurons" in out

    def accuracy(name):
        line = [l for l in out.splitlines() if l.startswith(f"{name}: test accuracy")][-1]
        return float(line.split("test accuracy")[1].split("%")[0])

    fused, loop = accuracy("snn_ipu (fused)"), accuracy("snnTorch tutorial loop")
    assert abs(fused - loop) <= 1.0, out
    assert fused > 20.0, out  # chance is 10%
