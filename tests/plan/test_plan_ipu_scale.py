"""The plan at IPU scale (GC200), its cost model and ``python -m snn_ipu plan``.

Host tests: the plan is the same C++ the PopART glue grows into the graph, so
these run everywhere and check what the IPU build will do.
"""
import subprocess
import sys

import pytest

from snn_ipu import _host
from snn_ipu.__main__ import main as cli_main
from snn_ipu.cli.plan import plan_layer

KIB = 1024


def _gc200(steps, neurons, dtype="float"):
    return _host.plan(steps, neurons, dtype, **_host.GC200)


@pytest.mark.parametrize("dtype,element_bytes", [("float", 4), ("half", 2)])
def test_seed_layer_on_a_gc200(dtype, element_bytes):
    plan = plan_layer((25, 128, 1000), dtype)
    assert (plan.num_steps, plan.num_neurons) == (25, 128000)
    assert plan.neurons_per_tile == 88 and plan.tiles_used == 1455  # ceil(128000 / 88)
    assert plan.chunk_neurons == 2
    # Current, spikes and membrane rows; five per-neuron float32 vectors; three
    # edge lists of T pointers.
    assert plan.forward_bytes_per_tile == 25 * 88 * 3 * element_bytes + 88 * 5 * 4 + 25 * 3 * 4
    assert plan.backward_bytes_per_tile <= 624 * KIB


def test_large_layer_fits_and_uses_every_tile():
    plan = plan_layer((100, 64, 4096), "float")
    assert plan.tiles_used == 1457 and plan.neurons_per_tile == 180
    assert plan.backward_bytes_per_tile < 624 * KIB
    sizes = [e - b for b, e in (plan.worker_range(0, w) for w in range(6))]
    assert sizes == [30] * 6 and all(b % plan.grain == 0
                                     for b, _ in (plan.worker_range(0, w) for w in range(6)))


def test_tiny_layer_uses_one_tile():
    plan = plan_layer((1, 1, 1), "half")
    assert plan.tiles_used == 1 and plan.neurons_per_tile == 4  # one half grain
    assert plan.chunk_neurons == 2


def test_largest_t_that_fits_and_the_next_that_does_not():
    # 88 float neurons per tile (the seed's layer). Backward bytes per tile:
    # T * (88 * 4 rows * 4 B + 4 edge lists * 4 B + 6 workers * 2 chunk
    # neurons * 2 planes * 4 B) + 88 * 9 vectors * 4 B = 1520 T + 3168, so
    # T = 418 is the largest that fits 638976 bytes.
    plan = _gc200(418, 128000)
    assert plan.backward_bytes_per_tile == 1520 * 418 + 3168 <= 638976
    with pytest.raises(ValueError, match=r"backward pass; the limit is 624 KiB \(638976 bytes\)"):
        _gc200(419, 128000)


def test_the_cost_model_pinned_on_one_worker_one_chunk():
    # One tile, one worker, two neurons, T = 1 (LifCycles.cpp): vertex 50 +
    # 1 worker * (setup 30 + chunk 10 + 2 * (8 + 1) + one step: 3 + 3 rows * 2
    # + 2 * (load 2 + step 9 + spike 2 + membrane 2)).
    plan = _host.plan(1, 2, "float", num_tiles=1, workers_per_tile=1, chunk_neurons=2)
    forward, backward = _host.lif_cycles(plan)
    assert forward == 50 + 30 + 10 + 18 + 3 + 6 + 30
    assert backward > forward


def test_cycles_grow_with_work_and_surrogate_cost():
    small, large = _gc200(25, 128000), _gc200(100, 128000)
    assert _host.lif_cycles(large)[0] > 3.5 * _host.lif_cycles(small)[0]
    ids = {"sigmoid": 2, "straight_through_estimator": 3}
    assert (_host.lif_cycles(small, surrogate=ids["sigmoid"])[1]
            > _host.lif_cycles(small, surrogate=ids["straight_through_estimator"])[1])
    assert (_host.lif_cycles(small, reset_delay=False)[0]
            > _host.lif_cycles(small, reset_delay=True)[0])
    assert _host.lif_cycles(small, record_mem=False)[0] < _host.lif_cycles(small)[0]


@pytest.mark.parametrize("kwargs,name", [({"reset_mode": 3}, "reset_mode"),
                                         ({"surrogate": 8}, "surrogate")])
def test_cost_model_rejects_bad_ids(kwargs, name):
    with pytest.raises(ValueError, match=name):
        _host.lif_cycles(_gc200(25, 1000), **kwargs)


def test_plan_command_prints_the_plan(capsys):
    assert cli_main(["plan", "--shape", "25,128,1000"]) == 0
    out = capsys.readouterr().out
    assert "1455 of 1472" in out
    assert "neurons per tile  88 (last tile: 48)" in out
    assert "16 at most" in out
    assert "recomputed in the backward pass" in out
    assert "cycles" in out and "not measured on hardware" in out


def test_plan_command_half(capsys):
    assert cli_main(["plan", "--shape", "25,128,1000", "--dtype", "half"]) == 0
    out = capsys.readouterr().out
    assert "half" in out and "aligned to 4 neurons" in out


@pytest.mark.parametrize("dtype,grain", [("float16", 4), ("half", 4), ("float32", 2),
                                         ("float", 2)])
def test_plan_command_takes_bench_and_host_dtype_names(dtype, grain, capsys):
    # bench's --dtype spellings (float32, float16) and the old ones alike.
    assert cli_main(["plan", "--shape", "25,128,1000", "--dtype", dtype]) == 0
    assert f"aligned to {grain} neurons" in capsys.readouterr().out


def test_plan_command_names_the_limit_that_does_not_fit(capsys):
    assert cli_main(["plan", "--shape", "419,128,1000"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "the limit is 624 KiB" in captured.err and "backward pass" in captured.err


@pytest.mark.parametrize("shape", ["25,18446744073709551616", "18446744073709551616,2",
                                   "25,4294967296,4294967296"])
def test_plan_command_names_a_layer_beyond_64_bits(shape, capsys):
    assert cli_main(["plan", "--shape", shape]) == 2
    err = capsys.readouterr().err
    assert err.startswith("python -m snn_ipu plan: error:") and "64 bits" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("shape", ["25", "25,0,10", "T,B,N", "25,-1"])
def test_plan_command_rejects_a_bad_shape(shape, capsys):
    with pytest.raises(SystemExit) as exc:
        cli_main(["plan", "--shape", shape])
    assert exc.value.code == 2
    assert "--shape" in capsys.readouterr().err


def test_plan_command_runs_as_a_module(tmp_path):
    # Run outside the source tree, so that the installed package is imported.
    result = subprocess.run([sys.executable, "-m", "snn_ipu", "plan", "--shape", "25,128,1000"],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "GC200" in result.stdout


@pytest.mark.parametrize("model,states", [("synaptic", "syn, mem"),
                                          ("alpha", "syn_exc, syn_inh, mem")])
def test_plan_command_plans_other_models(model, states, capsys):
    assert cli_main(["plan", "--shape", "25,128,1000", "--model", model]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{model.capitalize()} tile plan") and states in out
    leaky = plan_layer((25, 128, 1000), "float32")
    other = plan_layer((25, 128, 1000), "float32", model)
    # More states and parameters: more bytes per tile and more cycles.
    assert other.backward_bytes_per_tile > leaky.backward_bytes_per_tile
    assert _host.lif_cycles(other)[1] > _host.lif_cycles(leaky)[1]
