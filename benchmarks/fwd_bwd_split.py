"""Forward and backward of ops.alpha, ops.synaptic or ops.lif apart: the
median of the forward under no_grad and of forward + backward
(record_state=False, snnTorch's default constants as in ab_model.py); the
backward is their difference.

    python benchmarks/fwd_bwd_split.py 100,64,4096 THREADS alpha synaptic leaky

Medians of 9 calls after 2 untimed, per model, in the order given.
"""
import sys
import time

import torch

import snn_ipu

torch.manual_seed(0)
shape = tuple(int(v) for v in sys.argv[1].split(","))
threads = int(sys.argv[2])
x = (torch.randn(shape) * 0.6 + 0.25).requires_grad_()
g = torch.randn(shape)
calls = {
    "alpha": lambda: snn_ipu.ops.alpha(x, 0.9, 0.8, record_state=False, num_threads=threads),
    "synaptic": lambda: snn_ipu.ops.synaptic(x, 0.5, 0.9, record_state=False,
                                             num_threads=threads),
    "leaky": lambda: snn_ipu.ops.lif(x, 0.9, record_mem=False, num_threads=threads),
}


def median_ms(fn, n=9):
    for _ in range(2):
        fn()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return sorted(times)[n // 2] * 1e3


for name in sys.argv[3:]:
    call = calls[name]

    def forward():
        with torch.no_grad():
            call()

    def forward_backward():
        x.grad = None
        call()[0].backward(g)

    f, fb = median_ms(forward), median_ms(forward_backward)
    print(f"{name:9s} forward {f:7.2f}  forward+backward {fb:7.2f}  backward {fb - f:7.2f} ms")
