"""The host kernels' instruction-set levels (csrc/ops/host/IsaLevels.hpp).

Every level this CPU runs computes the same bits. Representative kernel cases
(forward and backward; every neuron model: Leaky, Synaptic, Alpha,
Lapicque, one-to-one RLeaky and RSynaptic;
float16, float32 and float64; several surrogates, all reset modes, both
reset_delay; per-neuron parameters; no membrane record; a static input; the
LIF+Linear node; non-finite currents) run at each level,
switched in-process with the private hook ``_host._set_isa``: at every level
they equal snnTorch as the other kernel tests require, and the levels'
outputs and gradients are equal to each other bit for bit.

Which level the module picks, and SNN_IPU_ISA, are checked in subprocesses
(the choice is made when the module is imported). Refusing a level the CPU
lacks is checked on emulated CPUs (test_emulated_cpus.py): this machine may
run them all.
"""
import os
import platform
import subprocess
import sys

import pytest
import torch

import snn_ipu
from snn_ipu import _host, ops
from support import models_compare
from support.lif_compare import check_against_snntorch, run_ours, requiring_grad
from support.oracle import SURROGATE_FACTORIES

INFO = _host.isa_info()
LEVELS = INFO["runnable"]
X86_64 = platform.machine() in ("x86_64", "AMD64")


@pytest.fixture
def at_level():
    """at_level(name) runs the kernels at that level; the level chosen at
    import is restored after the test."""
    yield _host._set_isa
    _host._set_isa(None)


def _tensor(shape, dtype, seed, scale=0.7, shift=0.35, grad=True):
    gen = torch.Generator().manual_seed(seed)
    t = (torch.randn(shape, generator=gen) * scale + shift).to(dtype)
    return t.requires_grad_(grad)


def _case(dtype=torch.float32, shape=(13, 4, 37), per_neuron=False, nonfinite=False,
          static=False, **options):
    step = shape[1:]
    x = _tensor(step if static else shape, dtype, 1)
    if nonfinite:
        with torch.no_grad():
            x.view(-1)[::17] = float("nan")
            x.view(-1)[5::29] = float("inf")
            x.view(-1)[11::31] = -float("inf")
    state = torch.float64 if dtype == torch.float64 else torch.float32
    args = {"input_": x, "mem": _tensor(step, state, 2, scale=0.5, shift=0.0)}
    if per_neuron:
        args["beta"] = (torch.rand(step, generator=torch.Generator().manual_seed(3)) * 0.9
                        + 0.05).to(state).requires_grad_()
        args["threshold"] = _tensor(step, state, 4, scale=0.2, shift=1.0)
        args["graded_spikes_factor"] = _tensor(step, state, 5, scale=0.3, shift=1.2)
    else:
        args["beta"] = torch.tensor(0.85, dtype=state, requires_grad=True)
        args["threshold"] = torch.tensor(0.9, dtype=state, requires_grad=True)
    if static:
        options["num_steps"] = shape[0]
    return args, options


# name -> (args, options); options as support.lif_compare reads them.
CASES = {
    "float32-atan-subtract": lambda: _case(),
    "float32-fast_sigmoid-zero-no_delay": lambda: _case(surrogate="fast_sigmoid", reset="zero",
                                                        delay=False),
    "float32-sigmoid-none-per_neuron": lambda: _case(surrogate="sigmoid", reset="none",
                                                     per_neuron=True),
    "float32-triangular-subtract-no_delay-per_neuron": lambda: _case(
        surrogate="triangular", delay=False, per_neuron=True),
    "float32-SFS-no_record": lambda: _case(surrogate="SFS", record_mem=False),
    "float32-atan-static_input": lambda: _case(static=True, shape=(9, 3, 40)),
    "float32-atan-wide": lambda: _case(shape=(6, 2, 3001)),
    "float32-nonfinite": lambda: _case(nonfinite=True),
    "float16-atan-subtract": lambda: _case(dtype=torch.float16, shape=(11, 3, 45)),
    "float16-spike_rate_escape-zero-nonfinite": lambda: _case(
        dtype=torch.float16, surrogate="spike_rate_escape", reset="zero", nonfinite=True),
    "float64-straight_through-subtract-no_delay": lambda: _case(
        dtype=torch.float64, surrogate="straight_through_estimator", delay=False),
    "float64-heaviside-zero-per_neuron": lambda: _case(
        dtype=torch.float64, surrogate="heaviside", reset="zero", per_neuron=True),
}


def _model_case(model, dtype=torch.float32, shape=(10, 3, 41), per_neuron=False,
                nonfinite=False, **options):
    """The models besides Leaky: the input, parameters that require grad
    (shared, or per neuron), and initial states."""
    gen = torch.Generator().manual_seed(11)
    scale = 4.0 if model == "lapicque" else 1.0
    x = ((torch.randn(shape, generator=gen) * 0.8 + 0.4) * scale).to(dtype)
    if nonfinite:
        x.view(-1)[::19] = float("nan")
        x.view(-1)[7::23] = float("inf")
    state = torch.float64 if dtype == torch.float64 else torch.float32
    ranges = {"synaptic": dict(alpha=(0.5, 0.95), beta=(0.6, 0.95), threshold=(0.8, 1.2)),
              "alpha": dict(alpha=(0.85, 0.95), beta=(0.5, 0.8), threshold=(0.3, 0.6)),
              "lapicque": dict(R=(2.0, 6.0), C=(4e-3, 6e-3), time_step=(0.9e-3, 1.1e-3),
                               threshold=(0.4, 0.6)),
              "rleaky": dict(beta=(0.6, 0.95), V=(-0.5, 0.5), threshold=(0.8, 1.2)),
              "rsynaptic": dict(alpha=(0.5, 0.95), beta=(0.6, 0.95), V=(-0.5, 0.5),
                                threshold=(0.8, 1.2))}[model]
    args = {"input_": x.requires_grad_()}
    for name, (low, high) in ranges.items():
        size = shape[-1:] if per_neuron else ()
        args[name] = (torch.rand(size, generator=gen) * (high - low) + low).to(state) \
            .requires_grad_()
    for name in models_compare.MODELS[model]["states"]:
        args[name] = (torch.randn(shape[1:], generator=gen) * 0.5).to(state).requires_grad_()
    return model, args, options


# name -> (model, args, options), as support.models_compare reads them.
MODEL_CASES = {
    "synaptic-float32-atan-subtract": lambda: _model_case("synaptic"),
    "synaptic-float32-sigmoid-zero-no_delay-per_neuron": lambda: _model_case(
        "synaptic", surrogate="sigmoid", reset="zero", delay=False, per_neuron=True),
    "synaptic-float16-fast_sigmoid-none": lambda: _model_case(
        "synaptic", dtype=torch.float16, surrogate="fast_sigmoid", reset="none"),
    "synaptic-float64-triangular-subtract": lambda: _model_case(
        "synaptic", dtype=torch.float64, surrogate="triangular"),
    "alpha-float32-atan-zero-nonfinite": lambda: _model_case("alpha", nonfinite=True),
    "alpha-float32-SFS-subtract-per_neuron-no_record": lambda: _model_case(
        "alpha", surrogate="SFS", reset="subtract", per_neuron=True, record=False),
    "lapicque-float32-heaviside-subtract": lambda: _model_case(
        "lapicque", surrogate="heaviside"),
    "lapicque-float16-atan-zero-per_neuron": lambda: _model_case(
        "lapicque", dtype=torch.float16, reset="zero", per_neuron=True),
    "rleaky-float32-atan-subtract-per_neuron": lambda: _model_case(
        "rleaky", per_neuron=True),
    "rleaky-float64-fast_sigmoid-zero-no_delay": lambda: _model_case(
        "rleaky", dtype=torch.float64, surrogate="fast_sigmoid", reset="zero", delay=False),
    "rsynaptic-float32-triangular-zero": lambda: _model_case(
        "rsynaptic", surrogate="triangular", reset="zero"),
    "rsynaptic-float16-atan-subtract": lambda: _model_case(
        "rsynaptic", dtype=torch.float16),
}


def _level_used(dtype):
    return _host.isa_info()["by_dtype"][str(dtype).replace("torch.", "")]


def _level_expected(dtype, level):
    """The level a dtype runs at when `level` is chosen (CMakeLists.txt):
    float64 at the lowest level only, float16 at avx2 on an avx512 CPU."""
    if dtype == torch.float64:
        return INFO["built"][0]
    if dtype == torch.float16 and level == "avx512" and "avx2" in INFO["built"]:
        return "avx2"
    return level


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("level", LEVELS)
def test_every_level_equals_snntorch(level, case, at_level):
    at_level(level)
    args, options = CASES[case]()
    check_against_snntorch(args, requiring_grad(args), options)
    dtype = args["input_"].dtype
    assert _level_used(dtype) == _level_expected(dtype, level)


@pytest.mark.parametrize("case", MODEL_CASES)
@pytest.mark.parametrize("level", LEVELS)
def test_every_level_equals_snntorch_for_the_other_models(level, case, at_level):
    at_level(level)
    model, args, options = MODEL_CASES[case]()
    names = [k for k, v in args.items() if isinstance(v, torch.Tensor) and v.requires_grad]
    models_compare.check_against_snntorch(model, args, names, options)
    dtype = args["input_"].dtype
    assert _level_used(dtype) == _level_expected(dtype, level)


def _bits(t):
    """A tensor's bit patterns (NaN payloads and signed zeros included)."""
    ints = {2: torch.int16, 4: torch.int32, 8: torch.int64}[t.element_size()]
    return t.detach().contiguous().view(ints)


def _assert_same_bits(results, what):
    (first_level, first), *rest = results.items()
    for level, other in rest:
        assert len(other) == len(first)
        for index, (a, b) in enumerate(zip(first, other)):
            assert a.dtype == b.dtype and a.shape == b.shape
            assert torch.equal(_bits(a), _bits(b)), (
                f"{what}: result {index} differs between levels {first_level} and {level}")


def _forward_backward(args, options):
    spk, second = run_ours(args, options)
    leaves = [args[name] for name in requiring_grad(args)]
    gen = torch.Generator().manual_seed(7)
    loss = ((spk * torch.randn(spk.shape, generator=gen).to(spk.dtype)).sum()
            + (second * torch.randn(second.shape, generator=gen).to(second.dtype)).sum())
    grads = torch.autograd.grad(loss, leaves)
    return [spk, second, *grads]


@pytest.mark.skipif(len(LEVELS) < 2, reason=f"this CPU runs one level of this build ({LEVELS})")
@pytest.mark.parametrize("case", CASES)
def test_levels_give_the_same_bits(case, at_level):
    results = {}
    for level in LEVELS:
        at_level(level)
        args, options = CASES[case]()
        results[level] = _forward_backward(args, options)
    _assert_same_bits(results, case)


@pytest.mark.skipif(len(LEVELS) < 2, reason=f"this CPU runs one level of this build ({LEVELS})")
@pytest.mark.parametrize("case", MODEL_CASES)
def test_levels_give_the_same_bits_for_the_other_models(case, at_level):
    results = {}
    for level in LEVELS:
        at_level(level)
        model, args, options = MODEL_CASES[case]()
        outputs = models_compare.run_ours(model, args, options)
        leaves = [v for v in args.values() if isinstance(v, torch.Tensor) and v.requires_grad]
        grads = torch.autograd.grad(models_compare._loss(outputs, 7), leaves,
                                    allow_unused=True)
        results[level] = [*outputs, *(g for g in grads if g is not None)]
    _assert_same_bits(results, case)


@pytest.mark.skipif(len(LEVELS) < 2, reason=f"this CPU runs one level of this build ({LEVELS})")
@pytest.mark.parametrize("outputs", [1, 10, 32])
def test_levels_give_the_same_bits_through_lif_linear(outputs, at_level):
    shape = (8, 5, 203)
    results = {}
    for level in LEVELS:
        at_level(level)
        x = _tensor(shape, torch.float32, 1)
        beta = torch.tensor(0.9, requires_grad=True)
        threshold = _tensor(shape[1:], torch.float32, 2, scale=0.2, shift=1.0)
        mem = _tensor(shape[1:], torch.float32, 3, scale=0.5, shift=0.0)
        weight = _tensor((outputs, shape[-1]), torch.float32, 4, scale=0.3, shift=0.0)
        bias = _tensor((outputs,), torch.float32, 5, shift=0.0)
        leaves = [x, beta, threshold, mem, weight, bias]
        node = ops.lif_linear(x, beta, threshold, mem, weight, bias,
                              spike_grad=SURROGATE_FACTORIES["fast_sigmoid"]())
        assert node is not None, "ops.lif_linear stepped aside"
        out, mem_last = node
        grads = torch.autograd.grad(out.pow(2).sum() + mem_last.pow(2).sum(), leaves)
        results[level] = [out, mem_last, *grads]
    _assert_same_bits(results, f"lif_linear with {outputs} outputs")


def test_the_levels_are_reported():
    info = snn_ipu.build_info()["isa"]
    assert info["built"] and info["runnable"]
    assert set(info["runnable"]) <= set(info["built"])
    assert info["active"] in info["runnable"]
    assert set(info["by_dtype"]) == {"float16", "float32", "float64"}
    if X86_64 and "native" not in info["built"]:
        assert info["built"][0] == "baseline"


def test_an_unknown_level_is_refused(at_level):
    with pytest.raises(ValueError, match=r"'avx9' is not an instruction-set level of this "
                                         r"build \(it has: "):
        at_level("avx9")
    assert _host.isa_info()["active"] in LEVELS  # the kernels still run


def _cpu_flags():
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


# The psABI's levels, as /proc/cpuinfo names their features (the kernel lists
# only those the operating system enabled).
X86_64_V2 = {"cx16", "lahf_lm", "popcnt", "pni", "ssse3", "sse4_1", "sse4_2"}
X86_64_V3 = X86_64_V2 | {"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe",
                         "xsave"}
X86_64_V4 = X86_64_V3 | {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"}


def _python(code, **env):
    # From the tests' folder, so that `snn_ipu` is the package under test (the
    # working directory, first on sys.path, may be a source tree without a build).
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, env={**os.environ, **env}, cwd=os.path.dirname(__file__))


@pytest.mark.skipif(not (X86_64 and os.path.exists("/proc/cpuinfo")),
                    reason="the expected level is read from Linux's x86-64 /proc/cpuinfo")
@pytest.mark.skipif("native" in INFO["built"], reason="a build for one machine has one level")
def test_the_highest_level_this_cpu_runs_is_chosen():
    flags = _cpu_flags()
    runs = [level for level, needs in (("baseline", X86_64_V2), ("avx2", X86_64_V3),
                                       ("avx512", X86_64_V4))
            if needs <= flags and level in INFO["built"]]
    assert INFO["runnable"] == runs
    env = {k: v for k, v in os.environ.items() if k != "SNN_IPU_ISA"}
    result = subprocess.run(
        [sys.executable, "-c", "import snn_ipu; i = snn_ipu.build_info()['isa']; "
                               "print(i['active'], i['forced'])"],
        capture_output=True, text=True, timeout=300, env=env, cwd=os.path.dirname(__file__))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [runs[-1], "False"]


def test_snn_ipu_isa_forces_a_lower_level():
    result = _python(
        "import torch, snn_ipu\n"
        "x = torch.randn(5, 3, 70, requires_grad=True)\n"
        "spk, mem = snn_ipu.ops.lif(x, 0.9)\n"
        "(spk.sum() + mem.sum()).backward()\n"
        "i = snn_ipu.build_info()['isa']\n"
        "print(i['active'], i['forced'], i['by_dtype']['float32'])",
        SNN_IPU_ISA=LEVELS[0])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [LEVELS[0], "True", LEVELS[0]]


def test_snn_ipu_isa_names_the_levels_when_it_is_wrong():
    result = _python("import snn_ipu", SNN_IPU_ISA="avx9")
    assert result.returncode != 0
    assert ("ImportError: SNN_IPU_ISA=avx9: 'avx9' is not an instruction-set level of this "
            f"build (it has: {', '.join(INFO['built'])})") in result.stderr
