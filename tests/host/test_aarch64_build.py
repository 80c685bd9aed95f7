"""Every host translation unit compiles for aarch64, the generic path (no x86
intrinsics; one instruction-set level, baseline, at the target's defaults).

CMake configures a cross build with Debian's g++-aarch64-linux-gnu (the
toolchain file below), and every command of its compile database (the module
and the kernel library, each file with the flags CMake gives it for aarch64)
runs with -fsyntax-only: the whole front end, templates instantiated, no code
generation. Against this machine's Python headers: a cross build needs
aarch64 ones only to link the module. About a minute on 2 cores.

Skipped, with the reason, where the cross compiler, CMake or pybind11 is
missing (.ci/run installs the compiler), and in the sanitizer stage, which
checks the built module rather than the sources.
"""
import json
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
from concurrent.futures import ThreadPoolExecutor

import pytest

import snn_ipu
from support.paths import CSRC, ROOT

CROSS = shutil.which("aarch64-linux-gnu-g++")


def _cmake():
    try:
        import cmake
        return os.path.join(cmake.CMAKE_BIN_DIR, "cmake")
    except ImportError:
        return shutil.which("cmake")


def _pybind11_dir():
    try:
        import pybind11
        return pybind11.get_cmake_dir()
    except ImportError:
        return None


pytestmark = [
    pytest.mark.skipif(CROSS is None, reason="the aarch64 cross compiler is not installed "
                                             "(Debian: apt-get install g++-aarch64-linux-gnu)"),
    pytest.mark.skipif(_cmake() is None or _pybind11_dir() is None,
                       reason="needs cmake and pybind11 (pip install cmake pybind11)"),
    pytest.mark.skipif(not (CSRC.is_dir() and (ROOT / "CMakeLists.txt").is_file()),
                       reason="the C++ sources are not next to the tests"),
    pytest.mark.skipif(snn_ipu.build_info()["sanitized"],
                       reason="compiles sources; the sanitizer stage checks the built module"),
]

TOOLCHAIN = f"""set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_CXX_COMPILER {CROSS})
"""


def _clean_env():
    # The compilers must not inherit a preloaded sanitizer runtime.
    return {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}


def test_every_host_translation_unit_compiles_for_aarch64(tmp_path):
    (tmp_path / "aarch64.cmake").write_text(TOOLCHAIN)
    configure = subprocess.run(
        [_cmake(), "-S", str(ROOT), "-B", str(tmp_path / "build"),
         f"-DCMAKE_TOOLCHAIN_FILE={tmp_path / 'aarch64.cmake'}",
         "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON", "-DCMAKE_BUILD_TYPE=Release",
         "-DSNN_IPU_WITH_IPU=OFF", f"-DPython_EXECUTABLE={sys.executable}",
         f"-DPython_INCLUDE_DIR={sysconfig.get_paths()['include']}",
         f"-Dpybind11_DIR={_pybind11_dir()}"],
        capture_output=True, text=True, timeout=300, env=_clean_env())
    assert configure.returncode == 0, configure.stdout[-3000:] + configure.stderr[-3000:]
    assert "host kernels for the instruction-set levels baseline\n" in configure.stdout

    commands = json.loads((tmp_path / "build" / "compile_commands.json").read_text())
    compiled = {os.path.relpath(entry["file"], CSRC) for entry in commands}
    sources = {str(path.relative_to(CSRC)) for layer in ("runtime", "plan", "host", "bindings")
               for path in (CSRC / "ops" / layer).glob("*.cpp")}
    assert sources <= compiled, f"not compiled: {sorted(sources - compiled)}"

    def syntax_check(entry):
        command = shlex.split(entry["command"]) + ["-fsyntax-only"]
        assert command[0].endswith("aarch64-linux-gnu-g++")
        result = subprocess.run(command, cwd=entry["directory"], capture_output=True,
                                text=True, timeout=600, env=_clean_env())
        return entry["file"], result

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        failed = [f"{os.path.relpath(name, CSRC)}:\n{result.stderr[-2000:]}"
                  for name, result in pool.map(syntax_check, commands)
                  if result.returncode != 0]
    assert not failed, "\n".join(failed)
