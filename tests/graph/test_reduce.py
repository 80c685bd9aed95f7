"""popops::reduce built and run as graph elements (tests/graph/ReduceTests.cpp)."""
import pytest

from support.graph_program import GRAPH_TESTS, cases_in, run_case


@pytest.mark.parametrize("case", cases_in(GRAPH_TESTS / "ReduceTests.cpp"))
def test_reduce(graph_tests, case):
    run_case(graph_tests, case)
