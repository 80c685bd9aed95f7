"""What a real Poplar refuses, refused on the host, each rule with a graph
that breaks it and one that does not (tests/graph/RefusalTests.cpp)."""
import subprocess

import pytest

from support.graph_program import GRAPH_TESTS, cases_in, graph_test_sources, run_case


@pytest.mark.parametrize("case", cases_in(GRAPH_TESTS / "RefusalTests.cpp"))
def test_refusals(graph_tests, case):
    run_case(graph_tests, case)


def test_every_case_is_collected(graph_tests):
    listed = subprocess.run([str(graph_tests), "--list"], capture_output=True,
                            text=True, check=True).stdout.split()
    collected = [case for source in graph_test_sources() for case in cases_in(source)]
    assert sorted(listed) == sorted(collected)
