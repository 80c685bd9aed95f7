"""Where the tests find the source tree's non-Python files."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CSRC = ROOT / "csrc"
# A stand-in for popc's <ipu_vector_math>, for the codelets' __IPU__ branch
# (../shared/ipu-check/probe_codelets.sh reads it at this path too).
IPU_STUB = ROOT / "tests" / "ipu_stub"
