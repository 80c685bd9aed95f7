"""The kernel parameters ops derives from what the user gives: Alpha's tau
and Lapicque's constants, computed with snnTorch's own torch operations, in
its order, so that they are the same floats as snnTorch's.

Those are a dozen small torch operations per call (for Alpha, with its
checks), which cost more than the kernels themselves in a small layer: some
0.05 ms back to back, 0.15-0.25 ms after a larger kernel or the other layers
of a model have evicted the caches (benchmarks/RESULTS.md, "Alpha's tau and
Lapicque's constants kept per value"). Where
the inputs are numbers, or one-element tensors that need no gradient on the
CPU, the results depend only on their values, so they are computed once per
value (the same operations, on the same tensors) and kept as numbers, which
the kernels take as they are (``a number stays a number``).
"""
from __future__ import annotations

import functools
import math

import torch

from .._compat import compiling
from .config import param_tensors, state_dtype

_CACHED_VALUES = 256


def _cacheable(values, input_, step_dims) -> bool:
    """Whether derived values depend on the values of ``values`` alone:
    numbers, or one-element CPU tensors that need no gradient and broadcast
    to a step of ``step_dims`` dimensions (no more dimensions than it, which
    the check of the derived tensor would refuse), for a CPU input, outside
    tracing."""
    if not isinstance(input_, torch.Tensor) or input_.device.type != "cpu" or compiling():
        return False
    # Complex and bool tensors are left to the checks, which name them.
    return all(not isinstance(v, torch.Tensor)
               or (v.numel() == 1 and v.dim() <= step_dims and v.device.type == "cpu"
                   and not v.requires_grad and not v.is_complex()
                   and v.dtype != torch.bool)
               for v in values)


def _key(value):
    """What a derived value depends on: a number's type and value; a
    one-element tensor's dtype, shape (a 0-d tensor takes part in type
    promotion as a number does, a [1] one as a tensor) and value; with the
    sign apart (-0.0 == 0.0, but 1/(R*C) is -inf for one, inf for the
    other)."""
    if isinstance(value, torch.Tensor):
        kind, number = (value.dtype, tuple(value.shape)), value.item()
    else:
        kind, number = type(value), value
    return kind, number, math.copysign(1.0, number) if isinstance(number, float) else 0.0


def _value(key):
    """The number, or the tensor of that dtype and shape, a key stands for."""
    kind, number, _ = key
    if isinstance(kind, tuple):
        dtype, shape = kind
        return torch.tensor(number, dtype=dtype).reshape(shape)
    return number


def alpha_tau(alpha, beta, input_):
    """snnTorch's tau_alpha = log(a) / (log(b) - log(a)) + 1 of the clamped
    decays, after its checks (alpha > beta, beta != 1), for checked ``alpha``
    and ``beta`` (numbers, or tensors in the state dtype). A number where
    both are numbers or one-element tensors without a gradient; else the
    tensor."""
    if _cacheable((alpha, beta), input_, input_.dim()):  # shapes checked already
        return _alpha_tau_of(_key(alpha), _key(beta), state_dtype(input_))
    return _alpha_tau(alpha, beta, input_)


@functools.lru_cache(maxsize=_CACHED_VALUES)
def _alpha_tau_of(alpha_key, beta_key, dtype):
    probe = torch.empty(0, dtype=dtype)  # gives numbers the state dtype
    return _alpha_tau(_value(alpha_key), _value(beta_key), probe).item()


def _alpha_tau(alpha, beta, input_):
    alpha, beta = param_tensors((alpha, beta), input_)
    traced = alpha.device.type in ("meta", "ipu") or compiling()
    if not traced:  # the checks read the values
        if bool((alpha.clamp(0, 1) <= beta).any()):  # as snnTorch compares them
            raise ValueError("alpha must be greater than beta.")
        if bool((beta == 1).any()):
            raise ValueError("beta: cannot be 1 (tau_alpha = log(alpha) / (log(beta) - "
                             "log(alpha)) + 1 would divide by zero)")
    log_alpha = torch.log(alpha.clamp(0, 1))
    return log_alpha / (torch.log(beta.clamp(0, 1)) - log_alpha) + 1


def lapicque_constants(R, C, time_step, input_, step_dims):
    """Lapicque's kernel parameters from R, C and time_step (numbers or
    tensors, checked for type): (R, 1/(R*C), time_step, 1 - time_step/(R*C)),
    numbers through torch.as_tensor and the products in torch's types, as
    snnTorch holds and computes them. Numbers where all three are numbers or
    one-element tensors without a gradient; else tensors. ``step_dims``: the
    dimensions of one step of ``input_``."""
    if _cacheable((R, C, time_step), input_, step_dims):
        return _lapicque_of(_key(R), _key(C), _key(time_step), state_dtype(input_),
                            torch.get_default_dtype())
    device = input_.device if isinstance(input_, torch.Tensor) else None
    return _lapicque(*(_as_tensor(v, device) for v in (R, C, time_step)))


@functools.lru_cache(maxsize=_CACHED_VALUES)
def _lapicque_of(r_key, c_key, step_key, state, default_dtype):
    # default_dtype is in the key: torch.as_tensor makes floats of it.
    del default_dtype
    constants = _lapicque(*(_as_tensor(_value(k), None) for k in (r_key, c_key, step_key)))
    # Converted to the state dtype as the check converts tensors: an int64
    # R beyond 2**24 rounds once, to float32, as in snnTorch, not through a
    # double first.
    return tuple(c.to(state).item() for c in constants)


def _as_tensor(value, device):
    """A constant as snnTorch holds it: a number through torch.as_tensor (an
    int stays an integer tensor)."""
    return value if isinstance(value, torch.Tensor) else torch.as_tensor(value, device=device)


def _lapicque(R, C, time_step):
    rc = R * C
    return R, 1 / rc, time_step, 1 - (time_step / rc)
