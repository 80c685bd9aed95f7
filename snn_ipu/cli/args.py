"""argparse types shared by the ``python -m snn_ipu`` commands.

A bad value becomes argparse's usage error (exit 2, ``argument --repeats:
expected an integer >= 1, got '0'``) while the command line is parsed, rather
than a traceback from wherever the value is first used.
"""
from __future__ import annotations

import argparse

import torch

from .._counts import MAX_THREADS


def _int_in(text: str, minimum: int, maximum=None) -> int:
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < minimum or (maximum is not None and value > maximum):
        expected = (f">= {minimum}" if maximum is None else f"from {minimum} to {maximum}")
        raise argparse.ArgumentTypeError(f"expected an integer {expected}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """A count that must be at least 1 (--repeats, --threads, --batch-size, ...)."""
    return _int_in(text, 1)


def non_negative_int(text: str) -> int:
    """A count that may be 0 (--warmup)."""
    return _int_in(text, 0)


def thread_count(text: str) -> int:
    """--threads: 1 to MAX_THREADS, what a kernel call takes."""
    return _int_in(text, 1, MAX_THREADS)


def add_threads(parser: argparse.ArgumentParser, what: str) -> None:
    """--threads, the threads torch and the kernels use."""
    parser.add_argument("--threads", type=thread_count, default=None,
                        help=f"{what} (default: torch.get_num_threads())")


def use_threads(args) -> None:
    """Makes --threads, where given, the threads torch and the kernels use."""
    if args.threads is not None:
        torch.set_num_threads(args.threads)
