"""Median time of one forward + backward of ops.lif(x, 0.9, record_mem=False)
on a [T, B, N] current, for interleaved A/B runs of two builds.

    python benchmarks/ab_lif.py 100,64,4096       # prints the median, in ms

Run it alternately with PYTHONPATH set to each build's package folder (see
RESULTS.md): calls run back to back, 3 untimed then 15 timed.
"""
import sys
import time

import torch

import snn_ipu

torch.manual_seed(0)
shape = tuple(int(v) for v in sys.argv[1].split(","))
x = (torch.randn(shape) * 0.6 + 0.25).requires_grad_()
g = torch.randn(shape)


def step():
    x.grad = None
    spk, _ = snn_ipu.ops.lif(x, 0.9, record_mem=False)
    spk.backward(g)


for _ in range(3):
    step()
times = []
for _ in range(15):
    start = time.perf_counter()
    step()
    times.append(time.perf_counter() - start)
print(f"{sorted(times)[len(times) // 2] * 1e3:.3f}")
