"""Median time of one forward + backward of ops.lapicque, ops.alpha or
ops.synaptic (snnTorch's default constants, record_state=False), or of
leaky, rleaky or rsynaptic as `python -m snn_ipu bench` calls them, on a
[T, B, N] current, for interleaved A/B runs of two builds, as
benchmarks/ab_lif.py does for ops.lif.

    python benchmarks/ab_model.py alpha 100,64,4096   # prints the median, in ms

Calls run back to back, 3 untimed then 15 timed.
"""
import sys, time, torch, snn_ipu
torch.manual_seed(0)
model = sys.argv[1]
shape = tuple(int(v) for v in sys.argv[2].split(","))
x = (torch.randn(shape) * 0.6 + 0.25).requires_grad_()
g = torch.randn(shape)
calls = {"lapicque": lambda: snn_ipu.ops.lapicque(x, 10.0, 0.1, record_state=False)[0],
         "alpha": lambda: snn_ipu.ops.alpha(x, 0.9, 0.8, record_state=False)[0],
         "synaptic": lambda: snn_ipu.ops.synaptic(x, 0.5, 0.9, record_state=False)[0]}
if model in calls:
    call = calls[model]
else:  # leaky, rleaky, rsynaptic: the bench's call (its constants)
    from snn_ipu.cli.baselines import fused
    run = fused(model=model)
    call = lambda: run(x)
def step():
    x.grad = None
    call().backward(g)
for _ in range(3): step()
t = []
for _ in range(15):
    s = time.perf_counter(); step(); t.append(time.perf_counter() - s)
print(f"{sorted(t)[7]*1e3:.2f}")
