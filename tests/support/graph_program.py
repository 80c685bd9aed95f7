"""The graph executor's C++ test program (tests/graph): built once per state
of its sources, with the system compiler, from the library sources listed in
cmake/HostGraph.cmake and the test sources in tests/graph, and cached in
build/graph-tests (a fresh clone builds it once per session). Under the
sanitizer stage (.ci/sanitize, which runs the tests against a sanitized
module) it is built with the same sanitizers, so that ASan and UBSan check
the executor too. The compiling and caching are snn_ipu/_backends/graph_build.py's,
which also builds the graph backend's library."""
import re
import subprocess
from pathlib import Path

from snn_ipu._backends import graph_build
from support.paths import CSRC, ROOT

GRAPH_TESTS = ROOT / "tests" / "graph"
HOST_POPLAR = CSRC / "host_poplar"
SOURCE_LIST = ROOT / "cmake" / "HostGraph.cmake"
CACHE = ROOT / "build" / "graph-tests"

FLAGS = ["-std=c++17", "-O1", "-Wall", "-Wextra", "-Werror", "-ffp-contract=off",
         f"-I{HOST_POPLAR}", f"-I{GRAPH_TESTS}"]
SANITIZER_FLAGS = ["-fsanitize=address,undefined,float-cast-overflow",
                   "-fno-sanitize-recover=all", "-fno-omit-frame-pointer", "-g",
                   "-D_GLIBCXX_ASSERTIONS"]


def library_sources():
    return [ROOT / path for path in graph_build.cmake_list("SNN_IPU_HOST_GRAPH_SOURCES")]


def definitions():
    return graph_build.definitions()


def graph_test_sources():
    return sorted(GRAPH_TESTS.rglob("*.cpp"))


def cases_in(source):
    """The GRAPH_TEST cases a test source defines, in order."""
    return re.findall(r"^GRAPH_TEST\((\w+)\)", Path(source).read_text(), re.M)


def build(compiler, sanitize=False):
    """The test program's path, building it if this state of the sources has
    not been built with these flags."""
    flags = FLAGS + definitions() + (SANITIZER_FLAGS if sanitize else [])
    flavour = "sanitized" if sanitize else "plain"
    inputs = {SOURCE_LIST, *HOST_POPLAR.rglob("*.[ch]pp"), *GRAPH_TESTS.rglob("*.[ch]pp")}
    return graph_build.build(compiler, flags, library_sources() + graph_test_sources(),
                             inputs, CACHE / flavour, "graph_tests")


def run_case(program, case):
    """Runs one case; fails with its output unless it passed."""
    result = subprocess.run([str(program), case], capture_output=True, text=True,
                            timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{case}:\n{output}"
    return output
