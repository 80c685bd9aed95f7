"""Recognising snnTorch's surrogate-gradient objects for the fused kernels.

snnTorch builds a surrogate as a closure: ``snntorch.surrogate.atan(alpha=2.0)``
returns a function ``inner`` that applies ``ATan`` with ``alpha`` captured.
:func:`resolve` reads which factory made the closure and the constants it
captured, and maps them to the kernel's surrogate id (see
``csrc/codelets/LifTypes.hpp``). Anything else (``custom_surrogate``, the
stochastic ``SSO``, an arbitrary callable) is reported as not covered, with the
reason, so that the caller can take the exact PyTorch reference path.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Callable, Optional, Tuple

import torch

from ._compat import assume_constant_result

__all__ = ["SurrogateSpec", "resolve", "SURROGATE_IDS"]

# Kernel ids; the numbers are fixed (they are the PopART op's attribute values).
SURROGATE_IDS = {
    "atan": 0,
    "fast_sigmoid": 1,
    "sigmoid": 2,
    "straight_through_estimator": 3,
    "heaviside": 4,
    "triangular": 5,
    "spike_rate_escape": 6,
    "SFS": 7,
}

# factory name -> names of the captured constants that become (a, b)
_CONSTANTS = {
    "atan": ("alpha", None),
    "fast_sigmoid": ("slope", None),
    "sigmoid": ("slope", None),
    "straight_through_estimator": (None, None),
    "heaviside": (None, None),
    "triangular": ("threshold", None),
    "spike_rate_escape": ("beta", "slope"),
    "SFS": ("slope", "B"),
}

_NOT_COVERED = {
    "custom_surrogate": "spike_grad is a snntorch.surrogate.custom_surrogate, "
    "whose gradient is arbitrary Python",
    "SSO": "spike_grad is snntorch.surrogate.SSO, whose gradient is random",
    "LSO": "spike_grad is snntorch.surrogate.LSO, which the kernels do not cover",
}


@dataclass(frozen=True)
class SurrogateSpec:
    """A surrogate the kernels compute: its name, kernel id and constants."""

    name: str
    kernel_id: int
    a: float = 0.0
    b: float = 0.0


DEFAULT = SurrogateSpec("atan", SURROGATE_IDS["atan"], 2.0, 0.0)


def _factory_name(fn: Callable) -> Optional[str]:
    if getattr(fn, "__module__", None) != "snntorch.surrogate":
        return None
    qualname = getattr(fn, "__qualname__", "")
    factory, sep, rest = qualname.partition(".<locals>.")
    if not sep or rest != "inner":
        return None
    return factory


def _is_surrogate_bypass(fn: Callable) -> bool:
    """snnTorch's surrogate_disable=True sets spike_grad to this function."""
    try:
        import snntorch
    except ImportError:
        return False
    neuron = getattr(snntorch, "SpikingNeuron", None)
    return neuron is not None and fn is getattr(neuron, "_surrogate_bypass", None)


def _captured(fn: Callable) -> dict:
    code = getattr(fn, "__code__", None)
    cells = getattr(fn, "__closure__", None) or ()
    if code is None:
        return {}
    return {name: cell.cell_contents for name, cell in zip(code.co_freevars, cells)}


def _as_constant(value) -> Optional[float]:
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Real):
        value = float(value)
    elif isinstance(value, torch.Tensor) and value.numel() == 1 and not value.requires_grad:
        value = float(value.item())
    else:
        return None
    return value if math.isfinite(value) else None


def resolve(spike_grad) -> Tuple[Optional[SurrogateSpec], Optional[str]]:
    """Map ``spike_grad`` to a kernel surrogate.

    Returns ``(spec, None)`` when the kernels compute it, else ``(None, reason)``.
    ``None`` means snnTorch's default, atan with alpha 2.
    """
    if spike_grad is None:
        return DEFAULT, None
    if not callable(spike_grad):
        raise TypeError(
            f"spike_grad: expected None or a surrogate such as "
            f"snntorch.surrogate.atan(), got {type(spike_grad).__name__}"
        )
    name, kernel_id, a, b, reason = _resolve_constant(spike_grad)
    if reason is not None:
        return None, reason
    return SurrogateSpec(name, kernel_id, a, b), None


# torch.compile cannot trace the closure inspection below; the answer depends
# only on the surrogate object, so it runs once while tracing.
@assume_constant_result
def _resolve_constant(spike_grad):
    """(name, kernel id, a, b, None), or (None, None, 0, 0, reason)."""
    factory = _factory_name(spike_grad)
    if factory in _NOT_COVERED:
        return None, None, 0.0, 0.0, _NOT_COVERED[factory]
    if factory not in _CONSTANTS:  # not made by snntorch.surrogate
        if _is_surrogate_bypass(spike_grad):
            return (None, None, 0.0, 0.0,
                    "surrogate_disable=True (a Heaviside spike that passes no gradient) is "
                    "not one of the surrogates the kernels cover")
        name = getattr(spike_grad, "__qualname__", type(spike_grad).__name__)
        return (None, None, 0.0, 0.0,
                f"spike_grad ({name}) is not one of snnTorch's surrogates the kernels cover")
    captured = _captured(spike_grad)
    constants = []
    for key in _CONSTANTS[factory]:
        if key is None:
            constants.append(0.0)
            continue
        value = _as_constant(captured.get(key))
        if value is None:
            return (None, None, 0.0, 0.0,
                    f"spike_grad is snntorch.surrogate.{factory} with {key}="
                    f"{captured.get(key)!r}, which is not a finite real constant")
        constants.append(value)
    return factory, SURROGATE_IDS[factory], constants[0], constants[1], None
