"""The built kernel libraries keep their levels apart (csrc/ops/host/KernelLibrary.hpp).

* Each kernel library exports one symbol, its entry point: no template
  instantiation or inline function compiled for one level can stand in for
  another level's copy, or for the module's (the way weak symbols of one
  module merge).
* The machine code of each file uses no instruction its level does not have:
  the module and the baseline library no VEX- or EVEX-encoded instruction
  (AVX, AVX-512), the avx2 library no EVEX-encoded one (AVX-512); read from
  the prefixes of every instruction objdump decodes. The avx2 and avx512
  libraries are the controls: they do use theirs.

Needs binutils (nm, objdump); skipped, with the reason, without them.
"""
import platform
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import snn_ipu
from snn_ipu import _host

PACKAGE = Path(snn_ipu.__file__).resolve().parent
INFO = _host.isa_info()
ENTRY_POINT = "snn_ipu_kernel_library"
X86_64 = platform.machine() in ("x86_64", "AMD64")


def _library(level):
    return PACKAGE / f"libsnn_ipu_kernels_{level}.so"


def test_a_library_per_level_built():
    found = sorted(p.name for p in PACKAGE.glob("libsnn_ipu_kernels_*.so"))
    assert found == sorted(_library(level).name for level in INFO["built"])


@pytest.mark.skipif(shutil.which("nm") is None, reason="nm (binutils) is not installed")
@pytest.mark.parametrize("level", INFO["built"])
def test_a_kernel_library_exports_its_entry_point_alone(level):
    result = subprocess.run(["nm", "-D", "--defined-only", str(_library(level))],
                            capture_output=True, text=True, check=True)
    exported = [line.split()[-1] for line in result.stdout.splitlines() if line.strip()]
    assert exported == [ENTRY_POINT], (
        f"{_library(level).name} exports more than {ENTRY_POINT}: {exported[:20]}")


# Legacy prefixes and REX, which may come before an instruction's opcode.
_PREFIXES = {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3,
             *range(0x40, 0x50)}
_INSTRUCTION = re.compile(r"^\s*[0-9a-f]+:\t([0-9a-f]{2}(?: [0-9a-f]{2})*)\s*\t(\S.*)$")


def _encodings(path):
    """{'VEX': n, 'EVEX': n} and an example of each, over the instructions
    of every executable section. In 64-bit mode 0xC4/0xC5 start a VEX
    prefix (AVX, AVX2, FMA, F16C) and 0x62 an EVEX prefix (AVX-512)."""
    result = subprocess.run(["objdump", "-d", "-w", str(path)], capture_output=True,
                            text=True, check=True)
    counts, examples = {"VEX": 0, "EVEX": 0}, {}
    for line in result.stdout.splitlines():
        match = _INSTRUCTION.match(line)
        if not match:
            continue
        opcode = next((b for b in (int(h, 16) for h in match.group(1).split())
                       if b not in _PREFIXES), None)
        kind = {0xC4: "VEX", 0xC5: "VEX", 0x62: "EVEX"}.get(opcode)
        if kind:
            counts[kind] += 1
            examples.setdefault(kind, match.group(2).strip())
    return counts, examples


# What each file may use: the module is built for the target's default, each
# library for its level.
ALLOWED = {"module": set(), "baseline": set(), "avx2": {"VEX"}, "avx512": {"VEX", "EVEX"}}


def _files():
    files = [("module", Path(_host.__file__))]
    return files + [(level, _library(level)) for level in INFO["built"] if level in ALLOWED]


@pytest.mark.skipif(not X86_64, reason="x86-64 instruction encodings")
@pytest.mark.skipif(shutil.which("objdump") is None, reason="objdump (binutils) is not installed")
@pytest.mark.parametrize("name,path", _files(), ids=lambda v: v if isinstance(v, str) else "")
def test_no_instruction_above_the_level(name, path):
    counts, examples = _encodings(path)
    for kind, count in counts.items():
        if kind not in ALLOWED[name]:
            assert count == 0, (f"{path.name} ({name}) has {count} {kind}-encoded instructions, "
                                f"such as {examples[kind]!r}")
    for kind in ALLOWED[name]:  # the controls: the check does see them
        assert counts[kind] > 0, f"{path.name} ({name}) has no {kind}-encoded instruction"
