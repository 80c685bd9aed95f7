"""ops.lif's arguments checked: each bad one a clear exception naming it,
before anything runs; what passes comes out as the kernels take it."""
from __future__ import annotations

import math
import numbers
from typing import NamedTuple, Optional, Tuple

import torch

from .. import surrogates
from .._compat import compiling
from .._counts import check_num_steps, check_num_threads
from .config import RESET_MODES, state_dtype

# What the kernels compute (bfloat16 is converted before the checks).
KERNEL_DTYPES = (torch.float16, torch.float32, torch.float64)


class CheckedCall(NamedTuple):
    """A neuron layer's arguments as the kernels take them."""

    x: torch.Tensor       # [T, ...], or [1, ...] with num_steps
    num_steps: Optional[int]
    states: Tuple          # per state: None, or a tensor in the state dtype
    params: Tuple          # per parameter: a Python float, or a tensor in the state dtype
    reset_mode: int
    threads: int           # 0: torch's, when the kernel runs
    spec: Optional[surrogates.SurrogateSpec]
    reason: Optional[str]  # why the kernels cannot run it; None if they can


def check_call(model, input_, params, states, spike_grad, reset_mechanism, reset_delay,
               record, num_steps, num_threads, record_name="record_state",
               finite=()):
    """A layer of ``model`` (models.ModelSpec) checked: the input as
    [T or 1, ...], num_steps, ``params`` (a value per name of model.params,
    in its order; numbers become Python floats, tensors the state dtype;
    those named in ``finite`` must be finite), ``states`` (a value per name
    of model.states: None, or a tensor), the reset mode's id, the thread count
    and the surrogate's kernel spec, with why the kernels cannot run the call
    (None if they can). ``record_name`` is the record flag's name in the
    caller's signature."""
    x, num_steps = _checked_input(input_, num_steps)
    step_shape = x.shape[1:]
    state = state_dtype(x)
    params = tuple(_check_param(name, value, step_shape, x.device, state,
                                finite=name in finite)
                   for name, value in zip(model.params, params))
    states = tuple(_check_state(name, value, step_shape, x.device, state)
                   for name, value in zip(model.states, states))
    reset_mode = _check_reset(reset_mechanism)
    if not isinstance(reset_delay, bool):
        raise TypeError(f"reset_delay: expected True or False, got {reset_delay!r}")
    if not isinstance(record, bool):
        raise TypeError(f"{record_name}: expected True or False, got {record!r}")
    # 0: the kernel asks torch.get_num_threads() when it runs.
    threads = 0 if num_threads is None else check_num_threads(num_threads)
    spec, reason = surrogates.resolve(spike_grad)
    return CheckedCall(x, num_steps, states, params, reset_mode, threads, spec, reason)


def check_params(input_, num_steps, named, finite=()):
    """Parameters (name, value) checked as check_call checks them, before the
    call: for ops that derive the kernels' parameters from them (the Alpha
    neuron's tau)."""
    x, _ = _checked_input(input_, num_steps)
    state = state_dtype(x)
    return tuple(_check_param(name, value, x.shape[1:], x.device, state,
                              finite=name in finite) for name, value in named)


def _checked_input(input_, num_steps):
    """The current as [T or 1, ...], and num_steps as an int or None."""
    if num_steps is None:
        return _check_input(input_), None
    return _check_static_input(input_), check_num_steps(num_steps)


def _check_input(input_) -> torch.Tensor:
    if not isinstance(input_, torch.Tensor):
        raise TypeError(f"input_: expected a torch.Tensor of shape [T, ...], got "
                        f"{type(input_).__name__}")
    if input_.dim() < 1:
        raise ValueError("input_: expected a tensor with a leading time dimension "
                         "[T, ...], got a 0-d tensor")
    if input_.shape[0] == 0:
        raise ValueError("input_: the time dimension (dim 0) is empty; expected T >= 1")
    if input_.dtype not in KERNEL_DTYPES:
        raise TypeError(f"input_: expected dtype float16, bfloat16, float32 or float64, got "
                        f"{input_.dtype}")
    return input_


def _check_static_input(input_) -> torch.Tensor:
    """A static input: one step's current, viewed as [1, ...]."""
    if not isinstance(input_, torch.Tensor):
        raise TypeError(f"input_: expected a torch.Tensor (one step's current, since "
                        f"num_steps is given), got {type(input_).__name__}")
    if input_.dtype not in KERNEL_DTYPES:
        raise TypeError(f"input_: expected dtype float16, bfloat16, float32 or float64, got "
                        f"{input_.dtype}")
    return input_.unsqueeze(0)


def _check_param(name, value, step_shape, device, dtype, finite=False):
    """A parameter checked: a number as a Python float, a tensor converted to
    ``dtype`` on ``device``."""
    if isinstance(value, bool):
        raise TypeError(f"{name}: expected a number or a tensor, got a bool")
    if isinstance(value, numbers.Real):
        # A number stays a Python float: the kernels take it as it is (in
        # the state dtype), with no tensor made for it. Checking it reads no
        # tensor, so a non-finite number beta is refused in every mode
        # (eager, meta, torch.compile, PopTorch tracing).
        number = float(value)
        if finite and not _finite_in(number, dtype):
            beyond = f" (infinite in {dtype})" if math.isfinite(number) else ""
            raise ValueError(f"{name}: expected finite values, got {value!r}{beyond}")
        return number
    if isinstance(value, torch.Tensor):
        if value.is_complex() or value.dtype == torch.bool:
            raise TypeError(f"{name}: expected a real tensor, got dtype {value.dtype}")
        if value.device != device and (value.numel() != 1 or value.device.type == "meta"):
            # A one-element tensor may come from another device (it is copied
            # over), except from meta, which holds no value to copy.
            raise ValueError(f"{name}: is on {value.device} but input_ is on {device}")
        tensor = value.to(device=device, dtype=dtype)
    else:
        raise TypeError(f"{name}: expected a number or a tensor, got "
                        f"{type(value).__name__}")
    if not _broadcasts_to(tensor.shape, step_shape):
        raise ValueError(f"{name}: shape {tuple(tensor.shape)} is not broadcastable to one "
                         f"time step's shape {tuple(step_shape)}")
    # The check reads the values: eager only. Meta tensors and tensors that
    # PopTorch traces (on "ipu") have none; under torch.compile it would break
    # the graph (a non-finite beta then gives snnTorch's NaN results).
    traced = tensor.device.type in ("meta", "ipu") or compiling()
    if finite and not traced and not _all_finite(tensor):
        raise ValueError(f"{name}: expected finite values, got "
                         f"{tensor.detach().flatten()[:8].tolist()}")
    return tensor


# The smallest magnitude that float32 rounds to infinity: FLT_MAX plus half
# an ulp (2**128 - 2**103).
_FLOAT32_ROUNDS_TO_INF = 2.0 ** 128 - 2.0 ** 103


def _finite_in(number: float, dtype) -> bool:
    """Whether ``number`` stays finite in ``dtype`` (float32 or float64)."""
    if dtype == torch.float64:
        return math.isfinite(number)
    return abs(number) < _FLOAT32_ROUNDS_TO_INF  # False for NaN, too


def _all_finite(tensor) -> bool:
    # One value is checked in Python: torch.isfinite(...).all() is five
    # tensor ops. The converted tensor is checked, so that a float64 value
    # too large for float32 counts as infinite.
    if tensor.numel() == 1:
        return math.isfinite(tensor.item())
    return bool(torch.isfinite(tensor).all())


def _check_state(name, value, step_shape, device, dtype) -> Optional[torch.Tensor]:
    if value is None:
        return None
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name}: expected None or a tensor, got {type(value).__name__}")
    if not value.dtype.is_floating_point:
        raise TypeError(f"{name}: expected a floating tensor, got dtype {value.dtype}")
    if not _broadcasts_to(value.shape, step_shape):
        raise ValueError(f"{name}: shape {tuple(value.shape)} does not match one time "
                         f"step's shape {tuple(step_shape)} (input_.shape[1:], or "
                         f"input_.shape with num_steps)")
    if value.device != device:
        raise ValueError(f"{name}: is on {value.device} but input_ is on {device}")
    return value.to(dtype)


def _check_reset(reset_mechanism) -> int:
    if reset_mechanism not in RESET_MODES:
        raise ValueError(f"reset_mechanism: expected 'subtract', 'zero' or 'none', got "
                         f"{reset_mechanism!r}")
    return RESET_MODES[reset_mechanism]


def _broadcasts_to(shape, target) -> bool:
    """Whether `shape` broadcasts to `target` without changing it (plain
    Python: torch.broadcast_shapes costs tens of microseconds per call)."""
    shape, target = tuple(shape), tuple(target)
    if len(shape) > len(target):
        return False
    return all(s == 1 or s == t for s, t in zip(reversed(shape), reversed(target)))