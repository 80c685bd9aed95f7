"""Every codelet source compiles with the host compiler in a strict mode that
rejects what is wrong on the IPU where the host compiler can tell: a write to
an Input (popc rejects it) and a read of an Output (popc compiles it, but its
value is undefined on the IPU; the shim makes both compile errors), implicit
float-to-double promotion (slow on the IPU, which has no double hardware), and
any other warning. The IPU branch of the codelets (``__IPU__``: two-neuron
register chunks, ``ipu::`` intrinsics) is checked too, against a stand-in for
popc's ``<ipu_vector_math>``.

The negative tests prove the checks can fail: snippets that break a rule must
not compile.
"""
import subprocess
from pathlib import Path

import pytest

from support.compiler import find_cxx
from support.paths import CSRC, IPU_STUB

CODELETS = CSRC / "codelets"
SHIM = CSRC / "host_poplar"

STRICT_FLAGS = ["-std=c++17", "-fsyntax-only", "-Wall", "-Wextra", "-Wdouble-promotion",
                "-Werror", "-ffp-contract=off"]


CXX = find_cxx()
pytestmark = [
    pytest.mark.skipif(CXX is None, reason="no C++ compiler found (set CXX)"),
    pytest.mark.skipif(not CODELETS.is_dir(),
                       reason="the codelet sources (csrc/codelets) are not next to the tests"),
]


def _compile(source: Path, *extra):
    cmd = [CXX, *STRICT_FLAGS, f"-I{SHIM}", f"-I{CODELETS}", *extra, str(source)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def _codelet_sources():
    return sorted(CODELETS.glob("*.cpp")) if CODELETS.is_dir() else []


@pytest.mark.parametrize("target", ["host", "ipu-branch"])
@pytest.mark.parametrize("source", _codelet_sources(), ids=lambda p: p.name)
def test_codelet_compiles_strictly(source, target):
    extra = [] if target == "host" else ["-D__IPU__", f"-I{IPU_STUB}"]
    result = _compile(source, *extra)
    assert result.returncode == 0, f"{source.name} ({target}):\n{result.stderr}"


def test_there_are_codelets_to_check():
    names = {p.name for p in _codelet_sources()}
    assert {"NeuronForward.cpp", "NeuronBackward.cpp"} <= names


_CHUNK = """
#include "LifFields.hpp"
static_assert(snn_ipu::kMaxChunkNeurons<float> == {expected}, "kMaxChunkNeurons");
"""


@pytest.mark.parametrize("vertex_header,expected", [
    ("shim", "snn_ipu::kHostChunkNeurons<float>"),
    ("popc", "snn_ipu::kIpuChunkNeurons"),
])
def test_host_sized_chunks_only_on_the_host_shim(tmp_path, vertex_header, expected):
    # popc's cpu target (the IPU Model) does not define __IPU__; without the
    # shim's Vertex.hpp (here an empty stand-in for the SDK's) the vertices
    # walk the IPU's register chunks, which fit a worker's stack.
    (tmp_path / "chunk.cpp").write_text(_CHUNK.format(expected=expected))
    include = []
    if vertex_header == "popc":
        (tmp_path / "poplar").mkdir()
        (tmp_path / "poplar" / "Vertex.hpp").write_text("#pragma once\n")
        include = [f"-I{tmp_path}"]
    cmd = [CXX, *STRICT_FLAGS, *include, f"-I{SHIM}", f"-I{CODELETS}", str(tmp_path / "chunk.cpp")]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


_VERTEX = """
#include <poplar/Vertex.hpp>
using namespace poplar;
template <typename T> class Probe : public MultiVertex {{
public:
  Input<Vector<T, VectorLayout::ONE_PTR, 8>> in;
  Output<Vector<T, VectorLayout::ONE_PTR, 8>> out;
  T scale;
  void compute(unsigned workerId) {{ {body} }}
}};
template class Probe<float>;
"""


def _snippet(tmp_path, body):
    path = tmp_path / "probe.cpp"
    path.write_text(_VERTEX.format(body=body))
    return _compile(path)


def test_a_well_formed_probe_compiles(tmp_path):
    # The control for the negative tests below: only the body differs.
    result = _snippet(tmp_path, "out[workerId] = in[workerId] * scale;")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("body,what", [
    ("in[workerId] = scale;", "a write to an Input"),
    ("scale = out[workerId];", "a read of an Output"),
    ("T x = out[workerId]; out[workerId] = x + in[0];", "a read of an Output into a local"),
    ("out[workerId] = in[workerId] * 0.5;", "an implicit promotion to double"),
])
def test_strict_mode_rejects(tmp_path, body, what):
    result = _snippet(tmp_path, body)
    assert result.returncode != 0, f"{what} compiled, but it is wrong on the IPU"
