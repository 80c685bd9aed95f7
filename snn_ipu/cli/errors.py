"""Why a command cannot run: ``python -m snn_ipu`` prints the message and
exits 2 (as argparse does for bad options)."""
from __future__ import annotations


class MissingDependency(ImportError):
    """Something a command needs is not there: an optional package
    (scikit-learn, torchvision, PopTorch)."""


class CommandError(Exception):
    """Options a command cannot run with."""
