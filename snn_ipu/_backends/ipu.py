"""Loads the IPU backend: ``libsnn_ipu_popart.so``, the PopART custom op
(built only with the Poplar SDK, next to its ``snn_ipu_codelets.gp``), once,
with ctypes, which registers the op with PopART; and tells whether PopTorch
is tracing a model for the IPU. snn_ipu/_lif/poptorch.py emits the op.
"""
from __future__ import annotations

import ctypes
import sys
from pathlib import Path
from typing import Optional, Tuple

__all__ = ["is_tracing", "load_library", "build_status", "LIBRARY_NAME", "CODELETS_NAME"]

LIBRARY_NAME = "libsnn_ipu_popart.so"
CODELETS_NAME = "snn_ipu_codelets.gp"
# How the build finds the SDK (CMakeLists.txt): popc on PATH and the poplar
# and popart CMake packages, both of which the SDK's enable script provides.
SDK_HINT = "source <sdk>/enable, which puts popc and the Poplar and PopART packages in reach"

_library = None


def library_path() -> Path:
    """Where the build puts the library: the package folder."""
    return Path(__file__).resolve().parent.parent / LIBRARY_NAME


def build_status() -> Tuple[bool, Optional[str]]:
    """Whether the IPU backend is built, and if not, why."""
    missing = [name for name in (LIBRARY_NAME, CODELETS_NAME)
               if not library_path().with_name(name).exists()]
    if not missing:
        return True, None
    return False, (f"{' and '.join(missing)} not built: the Poplar SDK was not found when "
                   f"snn_ipu was installed ({SDK_HINT}, then `pip install .` again)")


def load_library():
    """Loads the PopART custom op once, which registers it with PopART."""
    global _library
    if _library is None:
        path = library_path()
        if not path.exists():
            raise RuntimeError(
                f"snn_ipu: the IPU backend is not built: {path} is missing: "
                f"{SDK_HINT}, and reinstall snn_ipu with "
                f"`pip install .`; the build's 'snn_ipu: IPU backend' line says why it "
                f"was skipped.")
        try:
            _library = ctypes.cdll.LoadLibrary(str(path))
        except OSError as exc:
            raise RuntimeError(
                f"snn_ipu: could not load {path}: {exc}. The Poplar SDK's libraries must be "
                f"on the library path: source <sdk>/enable.") from exc
    return _library


def is_tracing() -> bool:
    """True while PopTorch traces a model for the IPU. PopTorch is only looked
    up among the imported modules: a model that runs on the IPU has imported it."""
    poptorch = sys.modules.get("poptorch")
    if poptorch is None:
        return False
    try:
        return bool(poptorch.isRunningOnIpu())
    except Exception:  # noqa: BLE001 - an unusable PopTorch is not tracing
        return False

