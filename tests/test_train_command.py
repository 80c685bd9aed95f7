"""python -m snn_ipu train: the seed network learns the built-in digits."""
import json
import subprocess
import sys

import pytest

pytest.importorskip("sklearn", reason="the digits dataset ships with scikit-learn")


def test_train_digits_reaches_90_percent():
    result = subprocess.run(
        [sys.executable, "-m", "snn_ipu", "train", "--epochs", "15", "--seed", "0"],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    line = [l for l in result.stdout.splitlines() if "test accuracy" in l][-1]
    accuracy = float(line.split("test accuracy")[1].split("%")[0])
    assert accuracy >= 90.0, result.stdout


def test_compare_trains_both_from_the_same_weights():
    result = subprocess.run(
        [sys.executable, "-m", "snn_ipu", "train", "--epochs", "1", "--compare"],
        capture_output=True, text=True, timeout=600)
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
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "same loss" in result.stdout and "faster" in result.stdout
    report = json.loads((tmp_path / "t.json").read_text())
    sides = {"snn_ipu (fused)", "snnTorch tutorial loop"}
    assert "for-loop Adam" in report["ms"]  # fused Adam too, where torch has it
    for optimizer, ms in report["ms"].items():
        assert set(ms) == sides and all(v > 0 for v in ms.values())
        assert report["speedup"][optimizer] == pytest.approx(
            ms["snnTorch tutorial loop"] / ms["snn_ipu (fused)"])
