"""ops.lif's arguments checked: each bad one a clear exception naming it,
before anything runs; what passes comes out as the kernels take it."""
from __future__ import annotations

import math
import numbers
from typing import Optional

import torch

from .. import surrogates
from .._compat import compiling
from .._counts import check_num_steps, check_num_threads
from .config import RESET_MODES, state_dtype

# What the kernels compute (bfloat16 is converted before the checks).
KERNEL_DTYPES = (torch.float16, torch.float32, torch.float64)


def check_call(input_, beta, threshold, mem, spike_grad, reset_mechanism, reset_delay,
                graded_spikes_factor, record_mem, num_steps, num_threads):
    """ops.lif's arguments checked: the input as [T or 1, ...], num_steps, the
    parameters (numbers as Python floats, tensors in the state dtype), the
    initial membrane (None, or in the state dtype), the reset mode's id, the
    thread count (0: torch's), the surrogate's kernel spec and why the kernels
    cannot run it (None if they can)."""
    if num_steps is None:
        x = _check_input(input_)
    else:
        num_steps = check_num_steps(num_steps)
        x = _check_static_input(input_)
    step_shape = x.shape[1:]
    state = state_dtype(x)
    beta_t = _check_param("beta", beta, step_shape, x.device, state, finite=True)
    threshold_t = _check_param("threshold", threshold, step_shape, x.device, state)
    graded_t = _check_param("graded_spikes_factor", graded_spikes_factor, step_shape,
                            x.device, state)
    mem_t = _check_mem(mem, step_shape, x.device, state)
    reset_mode = _check_reset(reset_mechanism)
    if not isinstance(reset_delay, bool):
        raise TypeError(f"reset_delay: expected True or False, got {reset_delay!r}")
    if not isinstance(record_mem, bool):
        raise TypeError(f"record_mem: expected True or False, got {record_mem!r}")
    # 0: the kernel asks torch.get_num_threads() when it runs.
    threads = 0 if num_threads is None else check_num_threads(num_threads)
    spec, reason = surrogates.resolve(spike_grad)
    return (x, num_steps, beta_t, threshold_t, graded_t, mem_t, reset_mode, threads, spec,
            reason)


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


def _check_mem(mem, step_shape, device, dtype) -> Optional[torch.Tensor]:
    if mem is None:
        return None
    if not isinstance(mem, torch.Tensor):
        raise TypeError(f"mem: expected None or a tensor, got {type(mem).__name__}")
    if not mem.dtype.is_floating_point:
        raise TypeError(f"mem: expected a floating tensor, got dtype {mem.dtype}")
    if not _broadcasts_to(mem.shape, step_shape):
        raise ValueError(f"mem: shape {tuple(mem.shape)} does not match one time step's "
                         f"shape {tuple(step_shape)} (input_.shape[1:], or input_.shape "
                         f"with num_steps)")
    if mem.device != device:
        raise ValueError(f"mem: is on {mem.device} but input_ is on {device}")
    return mem.to(dtype)


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