import os
import shutil

import pytest

import snn_ipu
from support import graph_program


def _compiler():
    for name in (os.environ.get("CXX"), "c++", "g++", "clang++"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


@pytest.fixture(scope="session")
def graph_tests():
    """The graph executor's test program, sanitized when the module is."""
    compiler = _compiler()
    if compiler is None:
        pytest.skip("no C++ compiler found (set CXX) to build the graph executor's tests")
    return graph_program.build(compiler, sanitize=snn_ipu.build_info()["sanitized"])
