"""A/B of keeping Alpha's tau and Lapicque's constants per value
(snn_ipu/_lif/derived.py) in one process: forward + backward of ops.alpha /
ops.lapicque (record_state=False, the bench's constants) with the cache on,
and off (derived._cacheable patched to refuse), alternating call by call;
warm (back to back) and cold (a 256 MiB copy before each call, as the other
layers of a model or the bench's round-robin leave the caches).

    python benchmarks/ab_derived.py alpha lapicque

Medians of 57 calls of each (61, the first 4 untimed), per shape.
"""
import statistics
import sys
import time

import torch

from snn_ipu._lif import derived
from snn_ipu.cli import baselines
from snn_ipu.cli.measure import CopyProbe

CACHED, UNCACHED = derived._cacheable, (lambda *args, **kwargs: False)
flush = CopyProbe()  # 256 MiB, far above the caches
torch.manual_seed(0)
for shape in [(25, 1, 64), (25, 128, 1000)]:
    x = (torch.randn(shape) * 0.6 + 0.25).requires_grad_()
    g = torch.randn(shape)
    for model in sys.argv[1:]:
        run = baselines.fused(None, model)

        def step():
            x.grad = None
            run(x).backward(g)

        medians = {}
        for cold in (False, True):
            times = {"cached": [], "uncached": []}
            for r in range(61):
                order = (("cached", CACHED), ("uncached", UNCACHED))
                for name, check in order if r % 2 else order[::-1]:
                    derived._cacheable = check
                    if cold:
                        flush()
                    start = time.perf_counter()
                    step()
                    times[name].append(time.perf_counter() - start)
            for name, t in times.items():
                medians[name, cold] = statistics.median(t[4:]) * 1e3
        derived._cacheable = CACHED
        print(f"{str(list(shape)):15s} {model:9s} "
              f"warm: kept {medians['cached', False]:.3f} computed {medians['uncached', False]:.3f}"
              f" | cold: kept {medians['cached', True]:.3f} "
              f"computed {medians['uncached', True]:.3f} ms")
