"""Output allocation for the host kernels.

A kernel output is written once, front to back, right after it is allocated.
Large CPU tensors come straight from mmap, so that first write pays for page
faults and page zeroing: about 25 ms for 100 MiB on our machine with 4 KiB
pages, and still several milliseconds (with occasional compaction stalls)
with transparent huge pages, against 2-3 ms to write it. So outputs of
``POOL_MIN_BYTES`` or more come from a caching pool (csrc/ops/OutputPool):
the buffers of dead outputs are kept, up to a limit, and handed out again, as
PyTorch's CUDA caching allocator does. ``snn_ipu.runtime.empty_cache()``
returns them to the system; ``set_cache_limit(0)`` turns caching off.
"""
from __future__ import annotations

import numpy as np
import torch

from ._backend import host

POOL_MIN_BYTES = 4 << 20


# The kernels' element types, as NumPy sees them. The view of a pooled buffer
# is built in NumPy, whose views cost a fraction of torch's, and handed to
# torch once: this runs on every kernel call.
_NUMPY_DTYPES = {torch.float16: np.float16, torch.float32: np.float32,
                 torch.float64: np.float64}


def empty(shape, dtype: torch.dtype) -> torch.Tensor:
    """A contiguous CPU tensor for a kernel output."""
    numel = 1
    for size in shape:
        numel *= size
    np_dtype = _NUMPY_DTYPES.get(dtype)
    if host is None or np_dtype is None:
        return torch.empty(shape, dtype=dtype)
    nbytes = numel * np.dtype(np_dtype).itemsize
    if nbytes < POOL_MIN_BYTES:
        return torch.empty(shape, dtype=dtype)
    buffer = host.pooled_buffer(nbytes)[:nbytes].view(np_dtype).reshape(shape)
    return torch.from_numpy(buffer)
