"""The compiled backends: the host module (``host``) and the IPU backend's
PopART library (``ipu``), each loaded once, with the reason where one is
missing."""
from __future__ import annotations

from . import host, ipu

__all__ = ["build_info"]


def build_info() -> dict:
    """Which backends this installation has: the host module, and the IPU
    backend (the PopART custom op and the popc-compiled codelets), with the
    reason where one is missing; and the host kernels' instruction-set
    levels ("isa": those built, lowest first, those this CPU runs, the one in
    use and whether SNN_IPU_ISA forced it, and the level each dtype runs at;
    None without the host module)."""
    ipu_built, ipu_reason = ipu.build_status()
    return {
        "host": host.host is not None,
        "host_error": None if host.host is not None else str(host.import_error),
        # A sanitizer build (ASan + UBSan, for .ci/sanitize): slower.
        "sanitized": bool(getattr(host.host, "BUILD_SANITIZED", False)),
        "isa": None if host.host is None else dict(host.host.isa_info()),
        "ipu": ipu_built,
        "ipu_reason": ipu_reason,
    }
