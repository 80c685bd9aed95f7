"""The IPU backend's Python side, on any machine.

* snn_ipu/_lif/poptorch.py and csrc/ops/ipu/LifOpIds.hpp agree on the op's domain,
  name, version, attribute names and input/output order (the PopART glue
  cannot be compiled here, so this is checked on the source).
* Under PopTorch tracing, ops.lif emits one poptorch.custom_op with the right
  inputs, example outputs and attributes. PopTorch is replaced here by a
  recorder of that call: this checks what snn_ipu passes to PopTorch, not what
  the IPU computes (tests/ipu/test_poptorch.py does that where PopTorch is).
* Without the SDK, build_info and the loader say what is missing and why.
"""
import re
import sys
import types

import pytest
import snntorch as snn
import torch

import snn_ipu
from snn_ipu import ops
from snn_ipu._backends import ipu as _ipu
from snn_ipu._lif import poptorch as lowering
from support.paths import CSRC

IDS = CSRC / "ops" / "ipu" / "LifOpIds.hpp"
needs_source = pytest.mark.skipif(not IDS.exists(), reason="csrc/ is not next to the tests")


def _header():
    return IDS.read_text()


def _strings(text):
    return dict(re.findall(r'constexpr const char \*(k\w+) = "([^"]*)";', text))


def _enum(text, name):
    body = re.search(r"enum " + name + r" : int \{([^}]*)\}", text).group(1)
    return [item.split("=")[0].strip() for item in body.split(",") if item.strip()]


@needs_source
def test_op_identity_matches_the_cpp_glue():
    text = _header()
    strings = _strings(text)
    assert strings["kDomain"] == lowering.DOMAIN
    assert strings["kLifOpName"] == lowering.OP_NAME
    assert int(re.search(r"constexpr int kVersion = (\d+);", text).group(1)) == lowering.VERSION
    attrs = [value for key, value in strings.items() if key.startswith("kAttr")]
    assert attrs == list(lowering.ATTRIBUTES)


@needs_source
def test_input_and_output_order_matches_the_cpp_glue():
    text = _header()
    assert _enum(text, "LifIn") == ["kCurrent", "kMemInit", "kDecay", "kThreshold", "kGraded",
                                    "kNumLifIn"]
    assert _enum(text, "LifOut") == ["kSpikes", "kMem", "kMemFinal", "kNumLifOut"]
    assert len(lowering.INPUTS) == 5 and len(lowering.OUTPUTS) == 3


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


def test_not_tracing_without_poptorch(monkeypatch):
    monkeypatch.delitem(sys.modules, "poptorch", raising=False)
    assert not _ipu.is_tracing()


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
def test_lif_under_poptorch_emits_one_custom_op(poptorch, dtype):
    x = torch.randn(7, 3, 5, dtype=dtype)
    beta = torch.rand(3, 5)
    spk, mem = ops.lif(x, beta, threshold=0.5, spike_grad=snn.surrogate.fast_sigmoid(slope=7),
                       reset_mechanism="zero", reset_delay=False, graded_spikes_factor=2.0)
    assert spk.shape == mem.shape == (7, 3, 5) and spk.dtype == dtype
    (call,) = poptorch.calls
    assert (call["name"], call["domain"], call["version"]) == ("Lif", "snn_ipu", 1)
    current, mem_init, decay, threshold, graded = call["inputs"]
    assert current.shape == (7, 15) and current.dtype == dtype
    assert mem_init.shape == (15,) and mem_init.dtype == torch.float32
    torch.testing.assert_close(decay, beta.clamp(0, 1).reshape(15))
    assert threshold.shape == graded.shape == (1,)
    assert [tuple(e.shape) for e in call["examples"]] == [(7, 15), (7, 15), (15,)]
    assert [e.dtype for e in call["examples"]] == [dtype, dtype, torch.float32]
    attrs = call["attributes"]
    assert list(attrs) == list(lowering.ATTRIBUTES)
    assert attrs == {"num_steps": 7, "reset_mode": 1, "reset_delay": 0, "surrogate": 1,
                     "surrogate_a": 7.0, "surrogate_b": 0.0}
    # PopTorch tells float from int attributes by their Python type.
    assert [type(v) for v in attrs.values()] == [int, int, int, int, float, float]


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
