"""Output allocation for the host kernels.

A fresh [T, ...] output is written once, front to back, right after it is
allocated. Large CPU tensors come straight from mmap, so that first write
takes a page fault per 4 KiB page, which costs several times the write itself
(about 25 ms for 100 MiB on our machine, against 2-3 ms to write it). Advising
transparent huge pages before the first touch cuts the faults by 512x. Linux
only; elsewhere (or where THP is disabled) this is a plain torch.empty.
"""
from __future__ import annotations

import torch

from ._backend import host

HUGE_PAGE_MIN_BYTES = 4 << 20


def empty(shape, dtype: torch.dtype) -> torch.Tensor:
    """A contiguous CPU tensor for a kernel output."""
    out = torch.empty(shape, dtype=dtype)
    nbytes = out.numel() * out.element_size()
    if host is not None and nbytes >= HUGE_PAGE_MIN_BYTES:
        host.advise_huge_pages(out.data_ptr(), nbytes)
    return out
