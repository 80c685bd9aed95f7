"""Compute sets executed vertex by vertex (tests/graph/ExecuteTests.cpp)."""
import pytest

from support.graph_program import GRAPH_TESTS, cases_in, run_case


@pytest.mark.parametrize("case", cases_in(GRAPH_TESTS / "ExecuteTests.cpp"))
def test_execute(graph_tests, case):
    run_case(graph_tests, case)
