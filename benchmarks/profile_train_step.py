"""Where the seed's fused training step spends its time (torch profiler).

    python benchmarks/profile_train_step.py

Runs the bench-train step (784-1000-10, T=25, batch 128, ce_count_loss, Adam)
through snn_ipu.fuse, 5 warm-up steps then 10 profiled, and prints the ops by
self CPU time with their input shapes.
"""
import torch
from torch.profiler import ProfilerActivity, profile

from snn_ipu.cli.bench_train import make_step
from snn_ipu.cli.models import seed_sequential
from snn_ipu.cli.train import FusedRunner


def main():
    torch.manual_seed(0)
    x = torch.rand(128, 1, 784)
    y = torch.randint(10, (128,))
    step = make_step(FusedRunner(seed_sequential(784), 25), x, y)
    for _ in range(5):
        step()
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        for _ in range(10):
            step()
    print(prof.key_averages(group_by_input_shape=True).table(
        sort_by="self_cpu_time_total", row_limit=20, max_name_column_width=40))


if __name__ == "__main__":
    main()
