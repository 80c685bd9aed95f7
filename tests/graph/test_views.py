"""Tensor views executed by copies (tests/graph/ViewTests.cpp)."""
import pytest

from support.graph_program import GRAPH_TESTS, cases_in, run_case


@pytest.mark.parametrize("case", cases_in(GRAPH_TESTS / "ViewTests.cpp"))
def test_views(graph_tests, case):
    run_case(graph_tests, case)
