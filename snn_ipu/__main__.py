"""``python -m snn_ipu``: see snn_ipu/cli/."""
import sys

from .cli.main import main

if __name__ == "__main__":
    sys.exit(main())
