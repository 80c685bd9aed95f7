"""The IPU backend's contract between its Python and C++ sides, on any machine.

* csrc/ops/ipu/NeuronOpIds.hpp (compiled here into a small program that
  prints what it states: tests/ipu/op_contract_dump.cpp) agrees with
  snn_ipu/_lif/poptorch.py on the op's domain, name, version and attributes,
  and with snn_ipu/_lif/models.py on every model's states and parameters and
  on the order of the op's and the grad op's inputs and outputs, with and
  without record_states.
* Under PopTorch tracing, every model's op emits one poptorch.custom_op whose
  inputs, example outputs and attributes are, position by position, what the
  C++ side expects. PopTorch is replaced here by a recorder of that call: this
  checks what snn_ipu passes to PopTorch, not what the IPU computes
  (tests/ipu/test_poptorch.py does that where PopTorch is).
* Each check fails when the two sides disagree (the last tests feed it a
  contract that differs in one place).
* Without the SDK, build_info and the loader say what is missing and why.
"""
import copy
import json
import math
import subprocess
import sys
import types
from pathlib import Path

import pytest
import snntorch as snn
import torch

import snn_ipu
from snn_ipu import ops
from snn_ipu._backends import ipu as _ipu
from snn_ipu._lif import poptorch as lowering
from snn_ipu._lif.models import MODELS
from support.compiler import find_cxx
from support.paths import CSRC

IDS = CSRC / "ops" / "ipu" / "NeuronOpIds.hpp"
DUMP = Path(__file__).with_name("op_contract_dump.cpp")
CXX = find_cxx()
needs_source = pytest.mark.skipif(
    CXX is None or not IDS.exists(),
    reason="needs csrc/ next to the tests and a C++ compiler (set CXX)")


@pytest.fixture(scope="module")
def cpp(tmp_path_factory):
    """The contract as NeuronOpIds.hpp states it."""
    exe = tmp_path_factory.mktemp("op_contract") / "op_contract_dump"
    build = subprocess.run([CXX, "-std=c++17", "-Wall", "-Wextra", "-Werror", f"-I{CSRC}",
                            str(DUMP), "-o", str(exe)], capture_output=True, text=True,
                           timeout=300)
    assert build.returncode == 0, build.stderr
    return json.loads(subprocess.run([str(exe)], capture_output=True, text=True,
                                     check=True, timeout=60).stdout)


def _signature(spec, record):
    """Where models.py's names go, in the order poptorch.py passes them."""
    inputs = ["current", *(f"{s}_init" for s in spec.states), *spec.params]
    records = [f"{s}_record" for s in spec.states[:spec.recorded]] if record else []
    outputs = ["spikes", *records, *(f"{s}_final" for s in spec.states)]
    return {"inputs": inputs, "outputs": outputs,
            "grad_inputs": [f"grad_{o}" for o in outputs] + inputs,
            "grad_outputs": [f"grad_{i}" for i in inputs],
            "input_names": inputs, "output_names": outputs}


def _check_identity(cpp):
    assert (cpp["domain"], cpp["op"], cpp["version"]) == (
        lowering.DOMAIN, lowering.OP_NAME, lowering.VERSION)
    assert [name for name, _ in cpp["attributes"]] == list(lowering.ATTRIBUTES)


def _check_model(cpp_model, spec):
    assert cpp_model["id"] == spec.id
    assert cpp_model["states"] == list(spec.states)
    assert cpp_model["recorded"] == spec.recorded
    assert cpp_model["params"] == list(spec.params)
    assert cpp_model["reset_delay"] == spec.reset_delay
    assert cpp_model["record"] == _signature(spec, True)
    assert cpp_model["spikes_only"] == _signature(spec, False)


@needs_source
def test_op_identity_and_attributes_match_the_cpp_glue(cpp):
    _check_identity(cpp)
    assert cpp["grad_op"] == lowering.OP_NAME + "Grad"


@needs_source
def test_every_model_and_its_signature_match_the_cpp_glue(cpp):
    assert sorted(cpp["models"]) == sorted(MODELS)
    for name, spec in MODELS.items():
        _check_model(cpp["models"][name], spec)


class _RecordingPopTorch(types.ModuleType):
    """Stands in for the poptorch module: reports tracing and records
    custom_op calls, returning zeros shaped like the example outputs."""

    def __init__(self):
        super().__init__("poptorch")
        self.calls = []

    def isRunningOnIpu(self):  # noqa: N802 - PopTorch's name
        return True

    def custom_op(self, inputs, name, domain, domain_version, example_outputs,
                  attributes=None):
        self.calls.append(dict(inputs=inputs, name=name, domain=domain,
                               version=domain_version, examples=example_outputs,
                               attributes=attributes))
        return [torch.zeros_like(e) for e in example_outputs]


@pytest.fixture
def poptorch(monkeypatch):
    recorder = _RecordingPopTorch()
    monkeypatch.setitem(sys.modules, "poptorch", recorder)
    monkeypatch.setattr(_ipu, "load_library", lambda: None)
    return recorder


# Each model's layer with a distinct value per input (a per-neuron tensor for
# one parameter, numbers for the others), so that a swap of two inputs shows:
# (the call, {input name: the tensor the op must get}). x is [7, 3, 5].
def _leaky(x, record):
    beta = torch.linspace(0.1, 0.9, 15).reshape(3, 5)
    ops.lif(x, beta, threshold=0.5, mem=torch.full((3, 5), 0.25), graded_spikes_factor=2.0,
            record_mem=record)
    return {"mem_init": 0.25, "beta": beta.reshape(15), "threshold": 0.5,
            "graded_spikes_factor": 2.0}


def _synaptic(x, record):
    beta = torch.linspace(0.1, 0.5, 15).reshape(3, 5)
    ops.synaptic(x, 0.7, beta, threshold=0.75, syn=torch.full((3, 5), 0.125),
                 mem=torch.full((3, 5), 0.25), record_state=record)
    return {"syn_init": 0.125, "mem_init": 0.25, "alpha": 0.7, "beta": beta.reshape(15),
            "threshold": 0.75}


def _alpha(x, record):
    ops.alpha(x, 0.9, 0.6, threshold=1.5, syn_exc=torch.full((3, 5), 0.125),
              syn_inh=torch.full((3, 5), -0.0625), mem=torch.full((3, 5), 0.25),
              record_state=record)
    tau = math.log(0.9) / (math.log(0.6) - math.log(0.9)) + 1
    return {"syn_exc_init": 0.125, "syn_inh_init": -0.0625, "mem_init": 0.25, "alpha": 0.9,
            "beta": 0.6, "tau": tau, "threshold": 1.5}


def _lapicque(x, record):
    resistance = torch.linspace(1.0, 3.0, 15).reshape(3, 5)
    ops.lapicque(x, resistance, 0.8, time_step=0.25, threshold=1.25,
                 mem=torch.full((3, 5), 0.25), record_state=record)
    rc = resistance.reshape(15) * 0.8
    return {"mem_init": 0.25, "R": resistance.reshape(15), "k": 1 / rc, "time_step": 0.25,
            "c": 1 - 0.25 / rc, "threshold": 1.25}


def _rleaky(x, record):
    V = torch.linspace(-0.5, 0.5, 15).reshape(3, 5)
    ops.rleaky(x, 0.7, V, threshold=0.75, spk=torch.full((3, 5), 1.0),
               mem=torch.full((3, 5), 0.25), record_state=record)
    return {"mem_init": 0.25, "spk_init": 1.0, "beta": 0.7, "V": V.reshape(15),
            "threshold": 0.75}


def _rsynaptic(x, record):
    beta = torch.linspace(0.1, 0.5, 15).reshape(3, 5)
    ops.rsynaptic(x, 0.7, beta, -0.5, threshold=0.75, spk=torch.full((3, 5), 1.0),
                  syn=torch.full((3, 5), 0.125), mem=torch.full((3, 5), 0.25),
                  record_state=record)
    return {"syn_init": 0.125, "mem_init": 0.25, "spk_init": 1.0, "alpha": 0.7,
            "beta": beta.reshape(15), "V": -0.5, "threshold": 0.75}


LAYERS = {"leaky": _leaky, "synaptic": _synaptic, "alpha": _alpha, "lapicque": _lapicque,
          "rleaky": _rleaky, "rsynaptic": _rsynaptic}


def _check_call(call, cpp, model, record, expected, x):
    """The recorded custom_op call against the C++ contract of `model`."""
    sig = cpp["models"][model]["record" if record else "spikes_only"]
    steps, n = x.shape[0], x[0].numel()
    assert (call["name"], call["domain"], call["version"]) == (
        cpp["op"], cpp["domain"], cpp["version"])
    assert len(call["inputs"]) == len(sig["inputs"])
    for tensor, name in zip(call["inputs"], sig["inputs"]):
        if name == "current":
            assert tensor.dtype == x.dtype
            torch.testing.assert_close(tensor, x.reshape(steps, n), rtol=0, atol=0)
            continue
        assert tensor.dtype == torch.float32, name
        value = torch.as_tensor(expected[name], dtype=torch.float32)
        per_neuron = name.endswith("_init") or value.numel() > 1
        assert tensor.shape == ((n,) if per_neuron else (1,)), name
        torch.testing.assert_close(tensor, value.expand(tensor.shape), msg=name)
    assert len(call["examples"]) == len(sig["outputs"])
    for example, name in zip(call["examples"], sig["outputs"]):
        final = name.endswith("_final")
        assert example.shape == ((n,) if final else (steps, n)), name
        assert example.dtype == (torch.float32 if final else x.dtype), name
    attrs = call["attributes"]
    assert list(attrs) == [name for name, _ in cpp["attributes"]]
    # PopTorch tells float from int attributes by their Python type.
    assert [type(v).__name__ for v in attrs.values()] == [kind for _, kind in cpp["attributes"]]
    assert attrs["model"] == cpp["models"][model]["id"]
    assert (attrs["num_steps"], attrs["record_states"]) == (steps, int(record))


@needs_source
@pytest.mark.parametrize("record", [True, False], ids=["record_states", "spikes_only"])
@pytest.mark.parametrize("model", sorted(LAYERS))
def test_each_model_emits_one_custom_op_as_the_cpp_glue_expects(poptorch, cpp, model, record):
    x = torch.randn(7, 3, 5)
    expected = LAYERS[model](x, record)
    (call,) = poptorch.calls
    _check_call(call, cpp, model, record, expected, x)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
def test_lif_outputs_and_attributes_under_poptorch(poptorch, dtype):
    x = torch.randn(7, 3, 5, dtype=dtype)
    spk, mem = ops.lif(x, torch.rand(3, 5), threshold=0.5,
                       spike_grad=snn.surrogate.fast_sigmoid(slope=7),
                       reset_mechanism="zero", reset_delay=False, graded_spikes_factor=2.0)
    assert spk.shape == mem.shape == (7, 3, 5) and spk.dtype == dtype
    (call,) = poptorch.calls
    assert call["inputs"][0].dtype == dtype
    assert [e.dtype for e in call["examples"]] == [dtype, dtype, torch.float32]
    assert call["attributes"] == {"model": 0, "num_steps": 7, "record_states": 1,
                                  "reset_mode": 1, "reset_delay": 0, "surrogate": 1,
                                  "surrogate_a": 7.0, "surrogate_b": 0.0}


def test_spikes_only_returns_the_final_states(poptorch):
    spk, syn_last, mem_last = ops.synaptic(torch.randn(4, 6), 0.5, 0.9, record_state=False)
    assert spk.shape == (4, 6) and syn_last.shape == mem_last.shape == (6,)
    (call,) = poptorch.calls
    assert len(call["examples"]) == 3 and call["attributes"]["record_states"] == 0


def test_static_input_and_final_membrane(poptorch):
    x = torch.randn(4, 6)
    spk, mem_last = ops.lif(x, 0.9, num_steps=25, record_mem=False,
                            mem=torch.full((4, 6), 0.25))
    assert spk.shape == (25, 4, 6) and mem_last.shape == (4, 6)
    (call,) = poptorch.calls
    assert call["inputs"][0].shape == (1, 24)  # read at every step on the IPU
    torch.testing.assert_close(call["inputs"][1], torch.full((24,), 0.25))
    assert call["attributes"]["num_steps"] == 25


def test_reset_none_always_uses_the_delayed_vertex(poptorch):
    ops.lif(torch.randn(3, 4), 0.9, reset_mechanism="none", reset_delay=False)
    assert poptorch.calls[0]["attributes"]["reset_delay"] == 1


def test_models_without_reset_delay_ask_for_the_delayed_vertex(poptorch):
    ops.alpha(torch.randn(3, 4), 0.9, 0.5)
    ops.lapicque(torch.randn(3, 4), 1.0, 1.0)
    assert [c["attributes"]["reset_delay"] for c in poptorch.calls] == [1, 1]


def test_uncovered_surrogate_traces_the_reference_path(poptorch):
    custom = snn.surrogate.custom_surrogate(lambda inp, grad_out, out: grad_out)
    with pytest.warns(snn_ipu.ReferencePathWarning):
        ops.lif(torch.randn(3, 4), 0.9, spike_grad=custom)
    assert poptorch.calls == []


def test_float64_is_refused_on_the_ipu(poptorch):
    with pytest.raises(TypeError, match="input_"):
        ops.lif(torch.randn(3, 4, dtype=torch.float64), 0.9)


def test_validation_still_names_the_argument_under_poptorch(poptorch):
    with pytest.raises(ValueError, match="reset_mechanism"):
        ops.lif(torch.randn(3, 4), 0.9, reset_mechanism="bounce")
    assert poptorch.calls == []


def test_not_tracing_without_poptorch(monkeypatch):
    monkeypatch.delitem(sys.modules, "poptorch", raising=False)
    assert not _ipu.is_tracing()


def test_loader_names_the_missing_library_and_how_to_find_the_sdk(monkeypatch, tmp_path):
    monkeypatch.setattr(_ipu, "_library", None)
    monkeypatch.setattr(_ipu, "library_path", lambda: tmp_path / _ipu.LIBRARY_NAME)
    with pytest.raises(RuntimeError, match=r"libsnn_ipu_popart\.so is missing: source <sdk>/enable"):
        _ipu.load_library()


def test_build_info_reports_both_backends():
    info = snn_ipu.build_info()
    assert info["host"] is True
    built = _ipu.library_path().exists() and _ipu.library_path().with_name(
        _ipu.CODELETS_NAME).exists()
    assert info["ipu"] is built
    if not built:
        assert "source <sdk>/enable" in info["ipu_reason"]
        assert _ipu.LIBRARY_NAME in info["ipu_reason"]


# The checks above, fed a contract that differs from the Python side in one
# place, must fail.
def _swap(items, i, j):
    items[i], items[j] = items[j], items[i]


DISAGREEMENTS = {
    "op name": lambda c: c.update(op="Lif"),
    "attribute order": lambda c: _swap(c["attributes"], 3, 4),
    "parameter order": lambda c: _swap(c["models"]["synaptic"]["params"], 0, 1),
    "input order": lambda c: _swap(c["models"]["alpha"]["record"]["inputs"], 1, 2),
    "records without record_states": lambda c: c["models"]["leaky"]["spikes_only"][
        "outputs"].insert(1, "mem_record"),
    "grad input order": lambda c: _swap(c["models"]["lapicque"]["spikes_only"][
        "grad_inputs"], 0, 1),
    "reset_delay variant": lambda c: c["models"]["alpha"].update(reset_delay=True),
}


@needs_source
@pytest.mark.parametrize("change", sorted(DISAGREEMENTS))
def test_the_contract_checks_catch_a_disagreement(cpp, change):
    changed = copy.deepcopy(cpp)
    DISAGREEMENTS[change](changed)
    with pytest.raises(AssertionError):
        _check_identity(changed)
        for name, spec in MODELS.items():
            _check_model(changed["models"][name], spec)


@needs_source
@pytest.mark.parametrize("change", ["input order", "attribute kinds", "output count"])
def test_the_call_check_catches_a_disagreement(poptorch, cpp, change):
    x = torch.randn(7, 3, 5)
    expected = _synaptic(x, True)
    (call,) = poptorch.calls
    _check_call(call, cpp, "synaptic", True, expected, x)  # agrees as emitted
    if change == "input order":
        _swap(call["inputs"], 3, 4)  # alpha and beta
    elif change == "attribute kinds":
        call["attributes"]["surrogate"] = float(call["attributes"]["surrogate"])
    else:
        call["examples"].pop()
    with pytest.raises(AssertionError):
        _check_call(call, cpp, "synaptic", True, expected, x)
