"""Loads the compiled host backend, ``snn_ipu._host``."""
from __future__ import annotations

_import_error = None
try:
    from . import _host as host
except ImportError as exc:  # pragma: no cover - only without a build
    host = None
    _import_error = exc


def require_host():
    """The host module, or a clear error saying how to build it."""
    if host is None:
        raise ImportError(
            "snn_ipu's host backend (snn_ipu._host) is not built: install the "
            "package with `pip install .` from the source tree "
            f"(import failed with: {_import_error})"
        )
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
