"""The neuron models the kernels compute, as the Python side knows them: the
id, the states and parameters (in the order of the model's codelet header,
csrc/codelets/<Model>Model.hpp) and which options exist. The host module
exports the same shapes (_host.MODELS); tests/package/test_constants.py
checks that they agree."""
from __future__ import annotations

from typing import NamedTuple, Tuple


class ModelSpec(NamedTuple):
    name: str
    id: int
    states: Tuple[str, ...]   # carried from step to step; the first `recorded` are recorded
    recorded: int
    params: Tuple[str, ...]   # the values the kernel reads, one each or one per neuron
    clamped: Tuple[str, ...]  # of those, the ones clamped to [0, 1] (a gradient mask)
    reset_delay: bool         # whether reset_delay=False is a variant of the model
    default_reset: str        # snnTorch's default reset_mechanism for the model


LEAKY = ModelSpec("leaky", 0, ("mem",), 1, ("beta", "threshold", "graded_spikes_factor"),
                  ("beta",), True, "subtract")
SYNAPTIC = ModelSpec("synaptic", 1, ("syn", "mem"), 2, ("alpha", "beta", "threshold"),
                     ("alpha", "beta"), True, "subtract")
# tau = log(a)/(log(b) - log(a)) + 1 is computed with torch ops by the caller
# (as snnTorch does at every step), and passed as a parameter.
ALPHA = ModelSpec("alpha", 2, ("syn_exc", "syn_inh", "mem"), 3,
                  ("alpha", "beta", "tau", "threshold"), ("alpha", "beta"), False, "zero")
# R, k = 1/(R*C), the time step and c = 1 - dt/(R*C), as snnTorch computes them.
LAPICQUE = ModelSpec("lapicque", 3, ("mem",), 1, ("R", "k", "time_step", "c", "threshold"),
                     (), False, "subtract")

# RLeaky and RSynaptic with one-to-one recurrence (all_to_all=False): the
# carried spike is a state (not recorded: it is the output), V the recurrent
# weight. RSynaptic's reset_delay=False does nothing in snnTorch 1.0.0, so the
# model has no such variant (ops.rsynaptic warns and runs reset_delay=True).
RLEAKY = ModelSpec("rleaky", 4, ("mem", "spk"), 1, ("beta", "V", "threshold"), ("beta",),
                   True, "subtract")
RSYNAPTIC = ModelSpec("rsynaptic", 5, ("syn", "mem", "spk"), 2,
                      ("alpha", "beta", "V", "threshold"), ("alpha", "beta"), False,
                      "subtract")

MODELS = {m.name: m for m in (LEAKY, SYNAPTIC, ALPHA, LAPICQUE, RLEAKY, RSYNAPTIC)}
MODELS_BY_ID = {m.id: m for m in MODELS.values()}
