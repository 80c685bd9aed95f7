"""Loads the compiled host backend, ``snn_ipu._host``."""
from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Optional

_import_error = None
try:
    from . import _host as host
except ImportError as exc:  # pragma: no cover - only without a build
    host = None
    _import_error = exc


def _shadowed_build() -> Optional[Path]:
    """Where another snn_ipu on sys.path has a host module, if this one (a
    source tree that ``python -m`` or the current directory put first) has
    none: typically the installed copy."""
    here = Path(__file__).resolve().parent
    for entry in sys.path:
        candidate = Path(entry or ".") / "snn_ipu"
        try:
            if candidate.resolve() != here and any(candidate.glob("_host.*")):
                return candidate.resolve()
        except OSError:  # an unreadable sys.path entry
            continue
    return None


@functools.lru_cache(maxsize=1)  # the host module is found, or not, at import
def missing_host_reason() -> str:
    """Why there is no host module, and what to do about it."""
    shadowed = _shadowed_build() if host is None else None
    if shadowed is not None:
        return (f"snn_ipu was imported from {Path(__file__).resolve().parent}, a copy "
                f"without a build, in place of the installed one at {shadowed} (running "
                f"from the source tree puts it first on sys.path): run from another "
                f"directory, or install with `pip install -e .` to build in place")
    return ("the host backend (snn_ipu._host) is not built: install the package with "
            f"`pip install .` from the source tree (import failed with: {_import_error})")


class MissingDependency(ImportError):
    """Something a command needs (a build, an optional package) is not
    there; ``python -m snn_ipu`` prints the message and exits 2."""


class CommandError(Exception):
    """Options a command cannot run with; ``python -m snn_ipu`` prints the
    message and exits 2."""


class HostMissing(MissingDependency):
    """The host module is not there (missing_host_reason says why)."""


def require_host():
    """The host module, or a clear error saying how to build it."""
    if host is None:
        raise HostMissing(f"snn_ipu: {missing_host_reason()}")
    return host


def build_info() -> dict:
    """Which backends this installation has: the host module, and the IPU
    backend (the PopART custom op and the popc-compiled codelets), with the
    reason where one is missing."""
    from . import _ipu

    ipu, ipu_reason = _ipu.build_status()
    return {
        "host": host is not None,
        "host_error": None if host is not None else str(_import_error),
        # A sanitizer build (ASan + UBSan, for .ci/sanitize): slower.
        "sanitized": bool(getattr(host, "BUILD_SANITIZED", False)),
        "ipu": ipu,
        "ipu_reason": ipu_reason,
    }
