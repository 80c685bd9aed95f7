"""The graph executor's C++ test program (tests/graph): built once per state
of its sources, with the system compiler, from the library sources listed in
cmake/HostGraph.cmake and the test sources in tests/graph, and cached in
build/graph-tests (a fresh clone builds it once per session). Under the
sanitizer stage (.ci/sanitize, which runs the tests against a sanitized
module) it is built with the same sanitizers, so that ASan and UBSan check
the executor too."""
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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


def _cmake_list(name):
    match = re.search(rf"set\({name}\s+([^)]*)\)", SOURCE_LIST.read_text())
    if match is None:
        raise RuntimeError(f"{SOURCE_LIST} sets no {name}")
    return match.group(1).split()


def library_sources():
    return [ROOT / path for path in _cmake_list("SNN_IPU_HOST_GRAPH_SOURCES")]


def definitions():
    return [f"-D{d}" for d in _cmake_list("SNN_IPU_HOST_GRAPH_DEFINITIONS")]


def graph_test_sources():
    return sorted(GRAPH_TESTS.rglob("*.cpp"))


def cases_in(source):
    """The GRAPH_TEST cases a test source defines, in order."""
    return re.findall(r"^GRAPH_TEST\((\w+)\)", Path(source).read_text(), re.M)


def _compiler_env():
    """The environment without LD_PRELOAD: under .ci/sanitize the ASan runtime
    is preloaded into Python, and the compiler would run under it, slowly."""
    return {name: value for name, value in os.environ.items() if name != "LD_PRELOAD"}


def _key(compiler, flags):
    digest = hashlib.sha256()
    version = subprocess.run([compiler, "--version"], capture_output=True, text=True,
                             env=_compiler_env())
    digest.update(version.stdout.encode())
    digest.update(" ".join(flags).encode())
    inputs = {SOURCE_LIST, *HOST_POPLAR.rglob("*.[ch]pp"), *GRAPH_TESTS.rglob("*.[ch]pp")}
    for path in sorted(inputs):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _compile(compiler, flags, source, objects):
    obj = objects / (str(source.relative_to(ROOT)).replace("/", "_") + ".o")
    result = subprocess.run([compiler, *flags, "-c", str(source), "-o", str(obj)],
                            capture_output=True, text=True, env=_compiler_env())
    if result.returncode != 0:
        raise RuntimeError(f"compiling {source.relative_to(ROOT)} failed:\n{result.stderr}")
    return obj


def build(compiler, sanitize=False):
    """The test program's path, building it if this state of the sources has
    not been built with these flags."""
    flags = FLAGS + definitions() + (SANITIZER_FLAGS if sanitize else [])
    flavour = "sanitized" if sanitize else "plain"
    folder = CACHE / f"{flavour}-{_key(compiler, flags)}"
    program = folder / "graph_tests"
    if program.exists():
        return program
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as scratch:
        objects = Path(scratch)
        sources = library_sources() + graph_test_sources()
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            built = list(pool.map(lambda s: _compile(compiler, flags, s, objects), sources))
        linked = objects / "graph_tests"
        result = subprocess.run([compiler, *flags, *map(str, built), "-o", str(linked)],
                                capture_output=True, text=True, env=_compiler_env())
        if result.returncode != 0:
            raise RuntimeError(f"linking the graph tests failed:\n{result.stderr}")
        for old in CACHE.glob(f"{flavour}-*"):  # earlier states of the sources
            shutil.rmtree(old, ignore_errors=True)
        staged = objects / "folder"
        staged.mkdir()
        linked.rename(staged / "graph_tests")
        staged.rename(folder)
    return program


def run_case(program, case):
    """Runs one case; fails with its output unless it passed."""
    result = subprocess.run([str(program), case], capture_output=True, text=True,
                            timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{case}:\n{output}"
    return output
