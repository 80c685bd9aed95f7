"""python -m snn_ipu plan --run: the forward and backward graphs built for a
GC200 as the IPU op builds them, executed on the host, compared with the host
backend."""
import pytest

from snn_ipu._backends import graph_build
from snn_ipu.cli.main import main

pytestmark = pytest.mark.skipif(
    not graph_build.have_sources() or graph_build.compiler() is None,
    reason="the graph backend is built from the source checkout with a C++ compiler")


@pytest.mark.parametrize("argv", [["--shape", "4,3,50"],
                                  ["--shape", "3,2,60", "--model", "synaptic",
                                   "--dtype", "float16"]])
def test_plan_run_says_bitwise_equal(capsys, argv):
    assert main(["plan", *argv, "--run"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("bitwise equal to the host backend")
    for words in ("compute sets", "exchanged between tiles", "most memory on one tile",
                  "of 624 KiB"):
        assert words in out


def test_plan_run_on_a_layer_that_does_not_fit_prints_the_plans_refusal(capsys):
    assert main(["plan", "--shape", "100000,1,5000000", "--run"]) == 2
    assert "error" in capsys.readouterr().err
