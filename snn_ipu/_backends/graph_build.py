"""Builds C++ programs and libraries from the project's sources with the
system compiler, cached per state of the sources: the graph backend's
library (libsnn_ipu_graph.so, see graph.py) and the graph executor's test
program (tests/support/graph_program.py). The source lists and compile
definitions are read from cmake/HostGraph.cmake, the one place they are
written; files are compiled in parallel, one process per core."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterable, List, Optional, Sequence

def source_root() -> Path:
    """The source checkout: $SNN_IPU_SOURCE_DIR (tests/conftest.py sets it to
    the checkout the tests run from, whose package may be installed
    elsewhere), else the folder above this package (an editable or in-tree
    install)."""
    folder = os.environ.get("SNN_IPU_SOURCE_DIR")
    return Path(folder).resolve() if folder else Path(__file__).resolve().parents[2]


def have_sources() -> bool:
    """Whether the sources the graph backend is built from are there."""
    root = source_root()
    return (root / "cmake" / "HostGraph.cmake").is_file() and (root / "csrc").is_dir()


def cmake_list(name: str) -> List[str]:
    source_list = source_root() / "cmake" / "HostGraph.cmake"
    match = re.search(rf"set\({name}\s+([^)]*)\)", source_list.read_text())
    if match is None:
        raise RuntimeError(f"{source_list} sets no {name}")
    return [w for w in match.group(1).split() if not w.startswith("#")]


def definitions() -> List[str]:
    return [f"-D{d}" for d in cmake_list("SNN_IPU_HOST_GRAPH_DEFINITIONS")]


def compiler() -> Optional[str]:
    """$CXX, else c++, g++ or clang++ from PATH; None if there is none."""
    for name in (os.environ.get("CXX"), "c++", "g++", "clang++"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def compiler_env() -> dict:
    """The environment without LD_PRELOAD: under .ci/sanitize the ASan runtime
    is preloaded into Python, and the compiler would run under it, slowly."""
    return {name: value for name, value in os.environ.items() if name != "LD_PRELOAD"}


def source_key(cxx: str, flags: Sequence[str], inputs: Iterable[Path]) -> str:
    root = source_root()
    digest = hashlib.sha256()
    version = subprocess.run([cxx, "--version"], capture_output=True, text=True,
                             env=compiler_env())
    digest.update(version.stdout.encode())
    digest.update(" ".join(flags).encode())
    for path in sorted(set(inputs)):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _compile(cxx, flags, source, objects):
    """source's object in `objects`, named by the hash of its own text: a
    source that did not change since the last build (with the same headers
    and flags, which name the folder) is not compiled again."""
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    name = str(source.relative_to(source_root())).replace("/", "_")
    obj = objects / f"{name}-{digest}.o"
    if obj.exists():
        return obj
    partial = obj.with_suffix(f".{os.getpid()}.tmp")
    result = subprocess.run([cxx, *flags, "-c", str(source), "-o", str(partial)],
                            capture_output=True, text=True, env=compiler_env())
    if result.returncode != 0:
        raise RuntimeError(f"compiling {name} failed:\n{result.stderr}")
    partial.rename(obj)
    return obj


def build(cxx: str, flags: Sequence[str], sources: Sequence[Path], inputs: Iterable[Path],
          folder_prefix: Path, name: str, link_flags: Sequence[str] = ()) -> Path:
    """`name` linked from `sources` with `flags` in folder_prefix-<key>, where
    the key hashes the compiler, the flags and every file of `inputs`; built
    unless that folder has it. Earlier states' folders are removed. Objects
    are kept in folder_prefix-objects-<key of the headers>, so that a change
    to one source file recompiles that file alone."""
    inputs = set(inputs)
    folder = folder_prefix.parent / f"{folder_prefix.name}-{source_key(cxx, flags, inputs)}"
    product = folder / name
    if product.exists():
        return product
    headers = {p for p in inputs if p.suffix in (".hpp", ".h")}
    objects = folder_prefix.parent / (f"{folder_prefix.name}-objects-"
                                      f"{source_key(cxx, flags, headers)}")
    objects.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        built = list(pool.map(lambda s: _compile(cxx, flags, s, objects), sources))
    with tempfile.TemporaryDirectory(dir=folder.parent) as scratch:
        linked = Path(scratch) / name
        result = subprocess.run([cxx, *flags, *link_flags, *map(str, built), "-o",
                                 str(linked)], capture_output=True, text=True,
                                env=compiler_env())
        if result.returncode != 0:
            raise RuntimeError(f"linking {name} failed:\n{result.stderr}")
        for old in folder.parent.glob(f"{folder_prefix.name}-*"):  # earlier states
            if old != objects:
                shutil.rmtree(old, ignore_errors=True)
        staged = Path(scratch) / "folder"
        staged.mkdir()
        linked.rename(staged / name)
        staged.rename(folder)
    return product


GRAPH_LIBRARY = "libsnn_ipu_graph.so"


def graph_library_flags() -> List[str]:
    csrc = source_root() / "csrc"
    return ["-std=c++17", *cmake_list("SNN_IPU_GRAPH_BACKEND_OPTIMIZATION"), "-fPIC",
            "-Wall", "-Wextra", "-ffp-contract=off", f"-I{csrc}",
            f"-I{csrc / 'host_poplar'}", *definitions()]


def build_graph_library(cxx: str) -> Path:
    """libsnn_ipu_graph.so from the source checkout (build/graph-backend-<key>)."""
    root = source_root()
    csrc = root / "csrc"
    sources = [root / p for p in cmake_list("SNN_IPU_HOST_GRAPH_SOURCES")
               + cmake_list("SNN_IPU_GRAPH_BACKEND_SOURCES")]
    inputs = {root / "cmake" / "HostGraph.cmake", csrc / "ops" / "ipu" / "NeuronOpIds.hpp"}
    for folder in ("codelets", "host_poplar", "ops/graph", "ops/plan"):
        inputs.update(p for p in (csrc / folder).rglob("*") if p.suffix in (".cpp", ".hpp", ".h"))
    return build(cxx, graph_library_flags(), sources, inputs, root / "build" / "graph-backend",
                 GRAPH_LIBRARY, link_flags=["-shared", "-pthread"])
