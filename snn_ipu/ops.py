"""``snn_ipu.ops.lif``: the fused leaky integrate-and-fire neuron over all time steps."""
from __future__ import annotations

import math
import numbers
from typing import Optional

import torch

from . import _ipu, _kernels, _library, _memory, runtime, surrogates
from ._autograd import LifFunction
from ._lif_linear import LifLinearFunction
from ._backend import host as _host
from ._backend import missing_host_reason
from ._kernels import KernelConfig
from ._reference import atan_spike, lif_reference
from ._warn import warn_at_caller

__all__ = ["lif", "lif_linear", "ReferencePathWarning"]

# Which autograd front end eager calls take. torch.compile needs the
# torch.library custom op (snn_ipu/_library.py) and always gets it; in eager
# mode the torch.autograd.Function is the same kernels with less around them:
# measured interleaved in one process (2 threads, fp32, forward + backward),
# 147 vs 226 us at [25, 128, 10] and 1.85 vs 2.10 ms at [25, 128, 1000].
# True sends eager calls through the custom op too (the tests use it).
EAGER_CUSTOM_OP = False
_KERNEL_DTYPES = (torch.float16, torch.float32, torch.float64)


class ReferencePathWarning(UserWarning):
    """``snn_ipu.ops.lif`` ran the exact PyTorch reference instead of the kernels."""


def lif(input_: torch.Tensor, beta, threshold=1.0, mem: Optional[torch.Tensor] = None, *,
        spike_grad=None, reset_mechanism: str = "subtract", reset_delay: bool = True,
        graded_spikes_factor=1.0, record_mem: bool = True,
        num_steps: Optional[int] = None, num_threads: Optional[int] = None):
    """Leaky integrate-and-fire over all time steps, as a time loop of
    ``snntorch.Leaky`` would compute it, in one fused kernel call.

    Args:
        input_: input current ``[T, *neurons]`` (float16, float32 or float64;
            bfloat16, as CPU autocast makes, runs as float32).
        beta: membrane decay, clamped to [0, 1]; a number or a tensor
            broadcastable to one time step's shape ``input_.shape[1:]``
            (``input_.shape`` with ``num_steps``).
        threshold: firing threshold; number or broadcastable tensor.
        mem: initial membrane, broadcastable to one step; zeros if omitted.
        spike_grad: an ``snntorch.surrogate`` object (``atan(alpha=2.0)``,
            ``fast_sigmoid(slope=25)``, ...); ``None`` is snnTorch's default,
            atan with alpha 2. Others run the exact PyTorch reference path,
            with a :class:`ReferencePathWarning` naming why.
        reset_mechanism: ``"subtract"``, ``"zero"`` or ``"none"``.
        reset_delay: as ``snntorch.Leaky``; ``False`` resets in the step that
            fires.
        graded_spikes_factor: spikes are scaled by it; number or tensor.
        record_mem: ``False`` skips the membrane record (one [T, ...] tensor
            less to write and hold; backward recomputes what it needs) and
            returns the final membrane instead.
        num_steps: for a static input (the same current at every step, as in
            direct encoding): ``input_`` is one step's current ``[...]`` and
            the outputs have ``num_steps`` steps. The kernel reads it once per
            step and sums its gradient over time; nothing is expanded.
        num_threads: host threads; default ``torch.get_num_threads()``.

    Returns:
        ``(spk, mem_rec)``, both shaped like ``input_`` (``[num_steps,
        *input_.shape]`` for a static input); with
        ``record_mem=False``, ``(spk, mem_last)`` where ``mem_last`` is the
        membrane after the last step, shaped like one step. Gradients flow to
        ``input_``, ``mem``, ``beta``, ``threshold`` and
        ``graded_spikes_factor`` (surrogate gradient through the spikes, the
        reset signal detached, as in snnTorch).

    float16 currents run with the membrane carried in float32 and parameters
    in float32; float64 runs in float64. The outputs have the input's dtype:
    tensor parameters and ``mem`` are converted to its state dtype (where
    snnTorch would promote: a float64 beta with a float32 input gives it
    float64 outputs, and its float32 buffers turn float16 inputs' outputs
    float32). bfloat16 currents (what a Linear gives under CPU autocast) have
    no kernels: they run as float32 and the outputs are rounded to bfloat16.
    """
    if isinstance(input_, torch.Tensor) and input_.dtype == torch.bfloat16:
        spk, second = lif(input_.float(), beta, threshold, mem, spike_grad=spike_grad,
                          reset_mechanism=reset_mechanism, reset_delay=reset_delay,
                          graded_spikes_factor=graded_spikes_factor, record_mem=record_mem,
                          num_steps=num_steps, num_threads=num_threads)
        return spk.to(torch.bfloat16), second.to(torch.bfloat16)
    (x, num_steps, beta_t, threshold_t, graded_t, mem_t, reset_mode, threads, spec,
     reason) = _check_call(input_, beta, threshold, mem, spike_grad, reset_mechanism,
                           reset_delay, graded_spikes_factor, record_mem, num_steps,
                           num_threads)
    step_shape = x.shape[1:]
    if reason is None and x.numel() > 0 and _ipu.is_tracing():  # PopTorch: the PopART op
        beta_t, threshold_t, graded_t = _kernels.param_tensors((beta_t, threshold_t, graded_t), x)
        return _ipu.lif(x, beta_t, threshold_t, graded_t, mem_t, reset_mode, reset_delay, spec,
                        record_mem, num_steps)

    if reason is None and x.device.type != "cpu":
        reason = f"input_ is on {x.device}; the host kernels run on CPU tensors"
    if reason is None and _host is None:
        reason = missing_host_reason()
    if reason is None and x.numel() > 0:
        return _lif_kernel(x, beta_t, threshold_t, graded_t, mem_t, reset_mode,
                           reset_delay, spec, threads, record_mem, num_steps)
    if reason is not None:
        warn_at_caller(f"snn_ipu.ops.lif: {reason}; running the exact PyTorch reference "
                       f"path (slower)", ReferencePathWarning)
    spike_fn = spike_grad if spike_grad is not None else atan_spike()
    if num_steps is not None:
        x = x.expand(num_steps, *step_shape)
    if x.device.type == "cpu":
        # The reference loop stacks spikes and membranes: two [T, ...] tensors.
        _memory.require(2 * x.numel() * x.element_size(),
                        f"the reference path over input_ of shape {tuple(x.shape)} ({x.dtype})")
    steps = x.shape[0]
    if x.numel() == 0 and steps > 1:
        # No neurons: every step is empty. Run one and expand it, rather than
        # a Python loop over T empty steps (minutes for T = 10^7).
        x = x[:1]
    spk, mem_rec = _lif_reference(x, *_kernels.param_tensors((beta_t, threshold_t, graded_t), x),
                                  mem_t, reset_mechanism, reset_delay, spike_fn)
    if spk.shape[0] != steps:
        spk = spk.expand(steps, *spk.shape[1:]).contiguous()
        mem_rec = mem_rec.expand(steps, *mem_rec.shape[1:]).contiguous()
    return (spk, mem_rec) if record_mem else (spk, mem_rec[-1])



def _check_call(input_, beta, threshold, mem, spike_grad, reset_mechanism, reset_delay,
                graded_spikes_factor, record_mem, num_steps, num_threads):
    """lif()'s arguments checked: the input as [T or 1, ...], num_steps, the
    parameters (numbers as Python floats, tensors in the state dtype), the
    initial membrane (None, or in the state dtype), the reset mode's id, the
    thread count (0: torch's), the surrogate's kernel spec and why the kernels
    cannot run it (None if they can)."""
    if num_steps is None:
        x = _check_input(input_)
    else:
        num_steps = runtime.check_num_steps(num_steps)
        x = _check_static_input(input_)
    step_shape = x.shape[1:]
    state_dtype = _kernels.state_dtype(x)
    beta_t = _check_param("beta", beta, step_shape, x.device, state_dtype, finite=True)
    threshold_t = _check_param("threshold", threshold, step_shape, x.device, state_dtype)
    graded_t = _check_param("graded_spikes_factor", graded_spikes_factor, step_shape,
                            x.device, state_dtype)
    mem_t = _check_mem(mem, step_shape, x.device, state_dtype)
    reset_mode = _check_reset(reset_mechanism)
    if not isinstance(reset_delay, bool):
        raise TypeError(f"reset_delay: expected True or False, got {reset_delay!r}")
    if not isinstance(record_mem, bool):
        raise TypeError(f"record_mem: expected True or False, got {record_mem!r}")
    # 0: the kernel asks torch.get_num_threads() when it runs.
    threads = 0 if num_threads is None else runtime.num_threads(num_threads)
    spec, reason = surrogates.resolve(spike_grad)
    return (x, num_steps, beta_t, threshold_t, graded_t, mem_t, reset_mode, threads, spec,
            reason)


# The largest Linear output (K) lif_linear folds into the LIF backward: it
# forms the spikes' upstream gradient with K multiply-adds per element, in
# cache, instead of reading a [T, N] tensor a matmul wrote. Measured on the
# seed network (K = 10) that saves about 0.45 ms of an 8.0-8.5 ms training
# step (benchmarks/ablations.py, part 1); the cost grows with K while the
# saving does not.
LIF_LINEAR_MAX_OUTPUTS = 32


def lif_linear(input_: torch.Tensor, beta, threshold, mem, weight: torch.Tensor,
               bias: Optional[torch.Tensor], *, spike_grad=None,
               reset_mechanism: str = "subtract", reset_delay: bool = True,
               graded_spikes_factor=1.0, num_steps: Optional[int] = None):
    """``torch.nn.functional.linear(lif(...)[0], weight, bias)`` with the
    membrane after the last step, in one autograd node whose backward forms
    the spikes' gradient from the Linear's output gradient block by block
    instead of as a [T, ...] tensor. What ``snn_ipu.fuse`` runs for a Leaky
    followed by a small Linear (float32, CPU, training).

    Returns ``(out, mem_last)``: ``out`` is ``[T, ..., K]`` (the Linear over
    the last dimension of the spikes), bitwise what the two calls give;
    gradients equal theirs to round-off. Returns None where this path does not
    apply (the caller then runs the two calls): not float32 on CPU, no host
    backend or no kernels for the options, an input of fewer than 3
    dimensions ([T, rows, in]; [rows, in] with num_steps), a weight whose
    width is not the input's last dimension, a Linear of 0 or more than
    LIF_LINEAR_MAX_OUTPUTS outputs, CPU autocast, PopTorch tracing or
    torch.compile.
    """
    if isinstance(input_, torch.Tensor) and input_.dtype == torch.bfloat16:
        return None  # float32 only; lif runs bfloat16 as float32
    (x, num_steps, beta_t, threshold_t, graded_t, mem_t, reset_mode, threads, spec,
     reason) = _check_call(input_, beta, threshold, mem, spike_grad, reset_mechanism,
                           reset_delay, graded_spikes_factor, False, num_steps, None)
    if not isinstance(weight, torch.Tensor):
        raise TypeError(f"weight: expected a torch.Tensor [K, in], got {type(weight).__name__}")
    if bias is not None and not isinstance(bias, torch.Tensor):
        raise TypeError(f"bias: expected None or a torch.Tensor [K], got {type(bias).__name__}")
    applies = (reason is None and _host is not None and x.device.type == "cpu"
               and x.dtype == torch.float32 and x.numel() > 0 and x.dim() >= 3
               and weight.dim() == 2 and weight.dtype == torch.float32
               and weight.device.type == "cpu" and x.shape[-1] == weight.shape[1]
               and 1 <= weight.shape[0] <= LIF_LINEAR_MAX_OUTPUTS
               and (bias is None or (bias.dtype == torch.float32 and bias.device.type == "cpu"))
               and not _ipu.is_tracing() and not runtime.compiling()
               and not runtime.autocast_cpu())
    if not applies:
        return None
    return _lif_kernel(x, beta_t, threshold_t, graded_t, mem_t, reset_mode, reset_delay,
                       spec, threads, False, num_steps, linear=(weight, bias))


def _lif_kernel(x, beta, threshold, graded, mem, reset_mode, reset_delay, spec, threads,
                record_mem, num_steps, linear=None):
    rows = x.shape[0]  # T, or 1 for a static input
    step_shape = x.shape[1:]
    out_shape = (num_steps if num_steps is not None else rows, *step_shape)
    n = _kernels.neurons_of(x)
    # Before the contiguous copy of a strided input below.
    _memory.require(_kernels.forward_bytes(x, out_shape[0], n, record_mem),
                    lambda: f"the forward pass over input_ of shape {tuple(out_shape)} "
                            f"({x.dtype})")

    def per_neuron(t):
        # One value for all neurons stays one value (a number stays a
        # number); anything else is broadcast to the step and flattened
        # (autograd sums it back).
        if not isinstance(t, torch.Tensor):
            return t
        return t.reshape(1) if t.numel() == 1 else t.expand(step_shape).reshape(n).contiguous()

    compiling = runtime.compiling()
    # No initial membrane: the kernels start from zeros.
    mem_init = None if mem is None else mem.expand(step_shape).reshape(n).contiguous()
    if (mem_init is not None and not compiling and mem_init.is_inference()
            and not torch.is_inference_mode_enabled()):
        # Left by a call under torch.inference_mode (a validation pass, then
        # a Leaky continues from its state): the kernels' backward saves it,
        # which an inference tensor cannot be; snnTorch's loop never needs
        # to. (torch.compile cannot trace is_inference(): a compiled call
        # given one still fails, with torch's error.)
        mem_init = mem_init.clone()
    config = KernelConfig(reset_mode, _kernels.kernel_reset_delay(reset_mode, reset_delay),
                          spec.kernel_id, spec.a, spec.b, threads, record_mem, num_steps)
    # The kernels clamp beta themselves; the clamp here gives its gradient
    # the clamp's mask.
    decay = beta.clamp(0, 1) if isinstance(beta, torch.Tensor) and beta.requires_grad else beta
    # The kernels take the current as it is shaped, [rows, ...], and give
    # their outputs shaped so: no reshapes of autograd's here.
    layer = (x.contiguous(), mem_init, per_neuron(decay), per_neuron(threshold),
             per_neuron(graded))
    if linear is not None:
        weight, bias = linear
        out, mem_final = LifLinearFunction.apply(*layer, weight, bias, config)
        return out.reshape(*out_shape[:-1], weight.shape[0]), mem_final
    use_custom_op = _library.AVAILABLE and (EAGER_CUSTOM_OP or compiling)
    apply = _library.apply if use_custom_op else LifFunction.apply
    spk, mem_rec, mem_final = apply(*layer, config)
    if record_mem:
        return spk, mem_rec
    # The final membrane is in the state dtype: float32 for float16 layers.
    return spk, mem_final if mem_final.dtype == x.dtype else mem_final.to(x.dtype)


def _lif_reference(x, beta, threshold, graded, mem, reset_mechanism, reset_delay, spike_fn):
    # snnTorch's spike functions return float32; run half in float32 and round
    # the outputs, as the kernels carry the state in float32.
    work = x.float() if x.dtype == torch.float16 else x
    dtype = work.dtype if work.dtype.is_floating_point else torch.float32
    work = work.to(dtype)
    if mem is None:
        mem = torch.zeros(x.shape[1:], dtype=dtype, device=x.device)
    spk, mem_rec = lif_reference(work, beta.to(dtype), threshold.to(dtype), mem.to(dtype),
                                 spike_fn, reset_mechanism, reset_delay, graded.to(dtype))
    return spk.to(x.dtype), mem_rec.to(x.dtype)


# ----------------------------------------------------------------- checking


def _check_input(input_) -> torch.Tensor:
    if not isinstance(input_, torch.Tensor):
        raise TypeError(f"input_: expected a torch.Tensor of shape [T, ...], got "
                        f"{type(input_).__name__}")
    if input_.dim() < 1:
        raise ValueError("input_: expected a tensor with a leading time dimension "
                         "[T, ...], got a 0-d tensor")
    if input_.shape[0] == 0:
        raise ValueError("input_: the time dimension (dim 0) is empty; expected T >= 1")
    if input_.dtype not in _KERNEL_DTYPES:
        raise TypeError(f"input_: expected dtype float16, bfloat16, float32 or float64, got "
                        f"{input_.dtype}")
    return input_


def _check_static_input(input_) -> torch.Tensor:
    """A static input: one step's current, viewed as [1, ...]."""
    if not isinstance(input_, torch.Tensor):
        raise TypeError(f"input_: expected a torch.Tensor (one step's current, since "
                        f"num_steps is given), got {type(input_).__name__}")
    if input_.dtype not in _KERNEL_DTYPES:
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
    traced = tensor.device.type in ("meta", "ipu") or runtime.compiling()
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
    if reset_mechanism not in _kernels.RESET_MODES:
        raise ValueError(f"reset_mechanism: expected 'subtract', 'zero' or 'none', got "
                         f"{reset_mechanism!r}")
    return _kernels.RESET_MODES[reset_mechanism]


def _broadcasts_to(shape, target) -> bool:
    """Whether `shape` broadcasts to `target` without changing it (plain
    Python: torch.broadcast_shapes costs tens of microseconds per call)."""
    shape, target = tuple(shape), tuple(target)
    if len(shape) > len(target):
        return False
    return all(s == 1 or s == t for s, t in zip(reversed(shape), reversed(target)))