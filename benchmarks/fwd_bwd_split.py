"""Forward and backward of ops.alpha, ops.synaptic or ops.lif apart: the
median of the forward under no_grad and of forward + backward
(record_state=False, snnTorch's default constants as in ab_model.py); the
backward is their difference. Then the same for the bench's floor, "memory
passes alone" (snn_ipu.cli.baselines.memory_passes_alone).

    python benchmarks/fwd_bwd_split.py 100,64,4096 THREADS alpha synaptic leaky [--cold]

Medians of 9 calls after 2 untimed, per model, in the order given. With
--cold, a 256 MiB copy before each call, as the bench's round-robin or a
model's other layers leave the caches.
"""
import sys
import time

import torch

import snn_ipu
from snn_ipu.cli.baselines import memory_passes_alone
from snn_ipu.cli.measure import CopyProbe

torch.manual_seed(0)
cold = "--cold" in sys.argv
argv = [a for a in sys.argv if a != "--cold"]
shape = tuple(int(v) for v in argv[1].split(","))
threads = int(argv[2])
x = (torch.randn(shape) * 0.6 + 0.25).requires_grad_()
g = torch.randn(shape)
calls = {
    "alpha": lambda: snn_ipu.ops.alpha(x, 0.9, 0.8, record_state=False, num_threads=threads),
    "synaptic": lambda: snn_ipu.ops.synaptic(x, 0.5, 0.9, record_state=False,
                                             num_threads=threads),
    "leaky": lambda: snn_ipu.ops.lif(x, 0.9, record_mem=False, num_threads=threads),
}
floor = memory_passes_alone()
calls["floor"] = lambda: (floor(x),)
flush = CopyProbe()  # 256 MiB, far above the caches


def median_ms(fn, n=9):
    times = []
    for i in range(n + 2):
        if cold:
            flush()
        start = time.perf_counter()
        fn()
        if i >= 2:
            times.append(time.perf_counter() - start)
    return sorted(times)[n // 2] * 1e3


torch.set_num_threads(threads)  # the floor's torch ops
for name in argv[3:] + ["floor"]:
    call = calls[name]

    def forward():
        x.grad = None
        with torch.no_grad():
            call()

    def forward_backward():
        x.grad = None
        call()[0].backward(g)

    f, fb = median_ms(forward), median_ms(forward_backward)
    print(f"{name:9s} forward {f:7.2f}  forward+backward {fb:7.2f}  backward {fb - f:7.2f} ms")
