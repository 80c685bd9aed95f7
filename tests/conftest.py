import os
from pathlib import Path

import pytest
import torch
from hypothesis import HealthCheck, settings

# CI runs hypothesis derandomized (a fixed sequence of examples); locally, set
# HYPOTHESIS_PROFILE=dev to explore new examples.
settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The graph backend (and the graph executor's test program) are built from
# this checkout, even where the package the tests import was installed from it
# into site-packages (as CI installs it).
os.environ.setdefault("SNN_IPU_SOURCE_DIR", str(Path(__file__).resolve().parents[1]))


def pytest_configure(config):
    # Without the compiled host backend every kernel test would run the
    # PyTorch reference path instead: refuse to run rather than pass.
    import snn_ipu

    if not snn_ipu.build_info()["host"]:
        raise pytest.UsageError("snn_ipu's compiled host backend (snn_ipu._host) did not "
                                "load; build it with `pip install .` before running the tests")


def pytest_collection_modifyitems(config, items):
    # Under SNN_IPU_BACKEND=graph (.ci/run runs oracle tests so), float64
    # cases are skipped: the graph backend runs the IPU's types only.
    if os.environ.get("SNN_IPU_BACKEND") != "graph":
        return
    skip = pytest.mark.skip(reason="the graph backend runs float16 and float32 only")
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "float64" in item.name or any(v is torch.float64 for v in params.values()):
            item.add_marker(skip)


@pytest.fixture(params=["autograd_function", "custom_op"])
def front_end(request, monkeypatch):
    """Eager calls through each autograd front end: the
    torch.autograd.Function (what older torch, such as PopTorch's 2.0, has)
    and the torch.library custom op (torch >= 2.4; skipped, with the reason,
    where it is not available)."""
    from snn_ipu._lif import front_end as chosen
    from snn_ipu._lif import library

    if request.param == "autograd_function":
        monkeypatch.setattr(library, "AVAILABLE", False)
    elif not library.AVAILABLE:
        pytest.skip("torch.library.custom_op needs torch >= 2.4")
    else:
        monkeypatch.setattr(chosen, "EAGER_CUSTOM_OP", True)
    return request.param


@pytest.fixture
def threading_backend():
    """runtime.set_threading_backend, with "auto" restored after the test."""
    from snn_ipu import runtime

    yield runtime.set_threading_backend
    runtime.set_threading_backend("auto")


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(1234)
    yield
