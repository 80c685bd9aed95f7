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


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(1234)
    yield
