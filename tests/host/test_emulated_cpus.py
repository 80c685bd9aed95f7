"""The installed package runs on older x86-64 CPUs, emulated by qemu-user.

On an emulated Nehalem (SSE4.2, the baseline level) and Haswell (AVX2, FMA,
F16C: the avx2 level), a small ops.lif forward and backward picks that CPU's
level and equals snnTorch (spikes and membranes bit for bit, the input's
gradient to float32 round-off); asking for the level above is refused with a
message, both in-process and through SNN_IPU_ISA, rather than dying on an
illegal instruction. Each run takes 20-60 s (torch is imported under
emulation).

Skipped, with the reason, where qemu-x86_64 is not installed (Debian:
apt-get install qemu-user; .ci/run installs it), off x86-64, and for a
sanitizer build.
"""
import os
import platform
import shutil
import signal
import subprocess
import sys

import pytest

import snn_ipu
from snn_ipu import _host

QEMU = shutil.which("qemu-x86_64")
INFO = _host.isa_info()
pytestmark = [
    pytest.mark.skipif(platform.machine() != "x86_64",
                       reason="emulates x86-64 CPUs on an x86-64 machine"),
    pytest.mark.skipif(QEMU is None,
                       reason="qemu-x86_64 is not installed (Debian: apt-get install qemu-user)"),
    pytest.mark.skipif(snn_ipu.build_info()["sanitized"],
                       reason="the sanitizer build's runtime does not run under qemu-user"),
    pytest.mark.skipif("native" in INFO["built"],
                       reason="a build for one machine (SNN_IPU_NATIVE) runs only on its CPU"),
]

# The five lines a new user would run, against snnTorch's Leaky loop.
SCRIPT = """
import torch, snntorch as snn, snn_ipu
from snn_ipu._backends.host import host
info = snn_ipu.build_info()["isa"]
assert info["active"] == {level!r}, info
try:
    host._set_isa({above!r})
except ValueError as err:
    assert {refusal!r} in str(err), err
else:
    raise AssertionError("level {above} was not refused")
torch.manual_seed(0)
x = (torch.randn(20, 8, 50) * 0.7 + 0.3).requires_grad_()
spk, mem = snn_ipu.ops.lif(x, beta=0.9)
(spk.sum() + mem.pow(2).mean()).backward()
leaky, u = snn.Leaky(beta=0.9), torch.zeros(8, 50)
x_ref, spk_ref, mem_ref = x.detach().clone().requires_grad_(), [], []
for t in range(20):
    s, u = leaky(x_ref[t], u)
    spk_ref.append(s)
    mem_ref.append(u)
spk_ref, mem_ref = torch.stack(spk_ref), torch.stack(mem_ref)
assert torch.equal(spk_ref, spk) and torch.equal(mem_ref, mem)
(spk_ref.sum() + mem_ref.pow(2).mean()).backward()
err = (x.grad - x_ref.grad).abs().max().item()
assert err <= 1e-5 * x_ref.grad.abs().max().item(), err
print("ok", info["active"])
"""

CPUS = [("Nehalem", "baseline", "avx2"), ("Haswell", "avx2", "avx512")]


def _emulate(cpu, code, isa=None):
    """python -c code on an emulated cpu, with SNN_IPU_ISA set to isa or unset."""
    env = {k: v for k, v in os.environ.items() if k != "SNN_IPU_ISA"}
    # numpy's OpenBLAS takes qemu-user's Nehalem for a Haswell and runs AVX2
    # code on it (a real Nehalem gets its own kernels): name the core.
    env["OPENBLAS_CORETYPE"] = cpu
    if isa is not None:
        env["SNN_IPU_ISA"] = isa
    # From the tests' folder, so that `snn_ipu` is the installed package, not
    # a source tree without a build that the working directory would put first.
    return subprocess.run([QEMU, "-cpu", cpu, sys.executable, "-c", code], capture_output=True,
                          text=True, timeout=600, env=env, cwd=os.path.dirname(__file__))


def _died_of(result):
    if result.returncode < 0:
        return f"killed by {signal.Signals(-result.returncode).name}"
    return f"exit status {result.returncode}"


@pytest.mark.parametrize("cpu,level,above", CPUS)
def test_ops_lif_runs_on_an_emulated_cpu(cpu, level, above):
    if level not in INFO["built"]:
        pytest.skip(f"this build has no {level} level ({INFO['built']})")
    runs = ", ".join(INFO["built"][:INFO["built"].index(level) + 1])
    # A level this build has is refused for the CPU; one it lacks (avx512
    # unless asked for) for the build.
    refusal = (f"which this CPU does not have (it runs: {runs})" if above in INFO["built"]
               else f"'{above}' is not an instruction-set level of this build")
    result = _emulate(cpu, SCRIPT.format(level=level, above=above, refusal=refusal))
    assert result.returncode == 0, f"{cpu}: {_died_of(result)}\n{result.stderr[-3000:]}"
    assert result.stdout.split() == ["ok", level]


def test_snn_ipu_isa_above_the_cpu_is_refused_on_an_emulated_cpu():
    # The module alone (no torch: a second under emulation), loaded as
    # snn_ipu._host from its file.
    code = ("import importlib.util, sys\n"
            f"spec = importlib.util.spec_from_file_location('snn_ipu._host', {_host.__file__!r})\n"
            "module = importlib.util.module_from_spec(spec)\n"
            "spec.loader.exec_module(module)\n")
    result = _emulate("Nehalem", code, isa="avx2")
    assert result.returncode == 1, _died_of(result)
    assert ("ImportError: SNN_IPU_ISA=avx2: level 'avx2' needs x86-64-v3 (AVX2, FMA, F16C, "
            "BMI2), which this CPU does not have (it runs: baseline)") in result.stderr
