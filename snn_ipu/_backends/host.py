"""Loads the compiled host backend, ``snn_ipu._host``."""
from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Optional

# The package folder, where the build puts the host module.
PACKAGE_DIR = Path(__file__).resolve().parent.parent

import_error = None
try:
    from .. import _host as host
except ImportError as exc:  # pragma: no cover - only without a usable build
    if str(exc).startswith("SNN_IPU_ISA="):
        raise  # a setting to correct (the message says how), not a missing build
    host = None
    import_error = exc


class HostMissing(ImportError):
    """The host module is not there (missing_host_reason says why)."""


def _shadowed_build() -> Optional[Path]:
    """Where another snn_ipu on sys.path has a host module, if this one (a
    source tree that ``python -m`` or the current directory put first) has
    none: typically the installed copy."""
    for entry in sys.path:
        candidate = Path(entry or ".") / "snn_ipu"
        try:
            if candidate.resolve() != PACKAGE_DIR and any(candidate.glob("_host.*")):
                return candidate.resolve()
        except OSError:  # an unreadable sys.path entry
            continue
    return None


@functools.lru_cache(maxsize=1)  # the host module is found, or not, at import
def missing_host_reason() -> str:
    """Why there is no host module, and what to do about it."""
    shadowed = _shadowed_build() if host is None else None
    if shadowed is not None:
        return (f"snn_ipu was imported from {PACKAGE_DIR}, a copy without a build, in "
                f"place of the installed one at {shadowed} (running from the source "
                f"tree puts it first on sys.path): run from another directory, or "
                f"install with `pip install -e .` to build in place")
    return ("the host backend (snn_ipu._host) is not built: install the package with "
            f"`pip install .` from the source tree (import failed with: {import_error})")


def require_host():
    """The host module, or a clear error saying how to build it."""
    if host is None:
        raise HostMissing(f"snn_ipu: {missing_host_reason()}")
    return host
