"""What one kernel call is, apart from its tensors: the reset mode, the
surrogate, threads and the other switches (KernelConfig), and the layer
conventions every front end shares: the state dtype parameters are carried
in, and parameters given as numbers."""
from __future__ import annotations

from typing import NamedTuple, Optional

import torch


# reset_mechanism -> the kernels' reset mode (kReset* in
# csrc/codelets/LifTypes.hpp; a test checks they agree).
RESET_MODES = {"subtract": 0, "zero": 1, "none": 2}
RESET_NONE = RESET_MODES["none"]


def kernel_reset_delay(reset_mode: int, reset_delay: bool) -> bool:
    """The reset_delay the kernels get: reset "none" ignores it, and only its
    reset_delay=True vertex is instantiated."""
    return True if reset_mode == RESET_NONE else bool(reset_delay)


class KernelConfig(NamedTuple):
    # A NamedTuple: cheap enough to make on every call, and torch.compile
    # traces it.
    reset_mode: int       # 0 subtract, 1 zero, 2 none
    reset_delay: bool
    surrogate: int        # snn_ipu.surrogates.SURROGATE_IDS
    surrogate_a: float
    surrogate_b: float
    num_threads: int = 0  # 0: torch.get_num_threads() at run time
    # Whether the forward writes the records of the model's recorded states.
    record_states: bool = True
    # A static input: current is one [1, N] row used at every one of
    # num_steps steps, and its gradient is summed over them in the kernel.
    num_steps: Optional[int] = None
    model: int = 0        # snn_ipu._lif.models: 0 Leaky, 1 Synaptic, ...


def state_dtype(current) -> torch.dtype:
    """The dtype the kernels carry a layer's state and parameters in."""
    return torch.float64 if current.dtype == torch.float64 else torch.float32


def state_bytes(current) -> int:
    """Bytes of one state_dtype element (torch.dtype.itemsize is torch 2.1+;
    PopTorch's torch is 2.0)."""
    return 8 if current.dtype == torch.float64 else 4


def param_tensors(params, current, shape=()):
    """Parameters given as numbers as tensors of ``shape`` in the current's
    state dtype, on its device; tensors pass through. For the paths that take
    tensors only: the reference loop and PopTorch (shape ``()``, broadcast
    over a step) and the custom op's schema (``(1,)``, one value for all
    neurons)."""
    state = state_dtype(current)
    # torch.tensor, not torch.full: a number beyond the dtype's range becomes
    # inf (as in snnTorch, and as the kernels round it), where torch.full
    # raises.
    return tuple(p if isinstance(p, torch.Tensor)
                 else torch.tensor(p, dtype=state, device=current.device).reshape(shape)
                 for p in params)
