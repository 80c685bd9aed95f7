"""argparse types shared by the ``python -m snn_ipu`` commands.

A bad value becomes argparse's usage error (exit 2, ``argument --repeats:
expected an integer >= 1, got '0'``) while the command line is parsed, rather
than a traceback from wherever the value is first used.
"""
from __future__ import annotations

import argparse


def _int_at_least(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """A count that must be at least 1 (--repeats, --threads, --batch-size, ...)."""
    return _int_at_least(text, 1)


def non_negative_int(text: str) -> int:
    """A count that may be 0 (--warmup)."""
    return _int_at_least(text, 0)
