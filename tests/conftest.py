import os

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


def pytest_configure(config):
    # Without the compiled host backend every kernel test would run the
    # PyTorch reference path instead: refuse to run rather than pass.
    import snn_ipu

    if not snn_ipu.build_info()["host"]:
        raise pytest.UsageError("snn_ipu's compiled host backend (snn_ipu._host) did not "
                                "load; build it with `pip install .` before running the tests")


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(1234)
    yield
