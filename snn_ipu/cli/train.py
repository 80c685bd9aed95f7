"""``python -m snn_ipu train``: train the seed tutorial's network through snn_ipu.

The network (784-1000-10 on MNIST, 64-1000-10 on the built-in digits; two
Leaky layers, beta 0.9, 25 steps, direct encoding) is built the snnTorch
nn.Sequential way and fused with ``snn_ipu.fuse``; it trains with
``snntorch.functional.ce_count_loss`` on the output spikes and Adam.
``--compare`` trains the tutorial's own snnTorch model (same initial weights,
same batches) side by side.
"""
from __future__ import annotations

import argparse
import functools
import time

import torch
from snntorch import functional as SF

from .._backends.host import require_host
from ..fuse import fuse
from . import datasets
from .args import add_threads, positive_int, use_threads
from .measure import Progress
from .models import NEURONS, NUM_STEPS, SeedTutorialNet, seed_sequential


class FusedRunner:
    name = "snn_ipu (fused)"

    def __init__(self, seq, num_steps):
        self.model = fuse(seq)
        self.num_steps = num_steps

    def spikes(self, x):
        self.model.reset_hidden()
        spk, *_ = self.model(x, num_steps=self.num_steps)
        return spk


class SnnTorchRunner:
    name = "snnTorch tutorial loop"

    def __init__(self, seq, num_steps, neuron="leaky"):
        self.model = SeedTutorialNet(seq[1].in_features, seq[1].out_features,
                                     num_steps=num_steps, neuron=neuron).load_sequential(seq)

    def spikes(self, x):
        spk, _ = self.model(x)
        return spk


def batches(n, batch_size, generator):
    order = torch.randperm(n, generator=generator)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


@functools.lru_cache(maxsize=None)
def fused_adam_available() -> bool:
    """torch's fused Adam runs on CPU tensors from torch 2.4 on."""
    try:
        torch.optim.Adam([torch.zeros(1, requires_grad=True)], fused=True)
    except (RuntimeError, TypeError, ValueError):
        return False
    return True


def adam(params, lr: float, fused: bool = True) -> torch.optim.Adam:
    """The seed's Adam (betas 0.9, 0.999). ``fused=True`` takes torch's fused
    implementation where it exists: the same update (to round-off) in one
    kernel per parameter instead of a for-loop of elementwise ops
    (benchmarks/RESULTS.md, "Tuning constants", for what it saves)."""
    kwargs = {"fused": True} if fused and fused_adam_available() else {}
    return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), **kwargs)


def train(runner, data, args, seed):
    optimizer = adam(runner.model.parameters(), args.lr)
    loss_fn = SF.ce_count_loss()
    generator = torch.Generator().manual_seed(seed)
    samples, seconds = 0, 0.0
    for epoch in range(args.epochs):
        epoch_batches = batches(len(data.train_y), args.batch_size, generator)
        progress = Progress(len(epoch_batches), f"{runner.name[:22]:<22} epoch {epoch + 1:>2}")
        for index in epoch_batches:
            x, y = data.train_x[index], data.train_y[index]
            start = time.perf_counter()
            loss = loss_fn(runner.spikes(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            seconds += time.perf_counter() - start
            samples += len(index)
            progress.step(f"loss {loss.item():.3f}")
    return samples / seconds


@torch.no_grad()
def accuracy(runner, x, y, batch_size=512):
    correct = 0
    for i in range(0, len(y), batch_size):
        spk = runner.spikes(x[i:i + batch_size])
        correct += (spk.sum(0).argmax(1) == y[i:i + batch_size]).sum().item()
    return correct / len(y)


def add_arguments(parser: argparse.ArgumentParser):
    parser.add_argument("--dataset", choices=["digits", "mnist"], default="digits",
                        help="digits: scikit-learn's 8x8 digits (offline); mnist: torchvision "
                             "(default %(default)s)")
    parser.add_argument("--data-dir", default="data",
                        help="where MNIST is (or goes) (default %(default)s)")
    parser.add_argument("--epochs", type=positive_int, default=None,
                        help="default: 15 for digits, 1 for mnist")
    parser.add_argument("--batch-size", type=positive_int, default=128,
                        help="samples per training step (default %(default)s)")
    parser.add_argument("--num-steps", type=positive_int, default=NUM_STEPS,
                        help="time steps T (default %(default)s)")
    parser.add_argument("--lr", type=float, default=1e-3,
                        help="Adam's learning rate (default %(default)s)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the initial weights and the batch order "
                             "(default %(default)s)")
    add_threads(parser, "torch / kernel threads on the CPU")
    parser.add_argument("--neuron", choices=NEURONS, default="leaky",
                        help="the network's neurons: snnTorch's Leaky (the tutorial's), "
                             "Synaptic, Alpha, Lapicque or RLeaky (one-to-one recurrence) "
                             "(default %(default)s)")
    parser.add_argument("--compare", action="store_true",
                        help="also train the snnTorch tutorial model side by side")
    parser.add_argument("--device", choices=["cpu", "ipu"], default="cpu",
                        help="cpu, or ipu through PopTorch (default %(default)s)")


def main(args) -> int:
    if args.device == "ipu":
        from .ipu_train import main as ipu_main  # needs PopTorch
        return ipu_main(args)
    require_host()  # the fused runner's kernels
    use_threads(args)
    if args.epochs is None:
        args.epochs = 15 if args.dataset == "digits" else 1
    data = datasets.load(args.dataset, args.data_dir)
    num_inputs = data.train_x[0].numel()
    print(f"dataset {args.dataset}: {len(data.train_y)} train, {len(data.test_y)} test, "
          f"network {num_inputs}-1000-10 of {args.neuron} neurons, {args.num_steps} steps, "
          f"batch {args.batch_size}, "
          f"Adam lr {args.lr}, {args.epochs} epochs, {torch.get_num_threads()} threads")

    torch.manual_seed(args.seed)
    initial = seed_sequential(num_inputs, neuron=args.neuron)
    runners = [FusedRunner(initial, args.num_steps)]
    if args.compare:
        # The same initial weights, copied, trained on the same batches.
        runners.append(SnnTorchRunner(initial, args.num_steps, args.neuron))
    results = []
    for runner in runners:
        start = time.perf_counter()
        throughput = train(runner, data, args, args.seed)
        elapsed = time.perf_counter() - start
        acc = accuracy(runner, data.test_x, data.test_y)
        results.append((runner.name, acc, throughput, elapsed))
        print(f"{runner.name}: test accuracy {acc:.2%}, {throughput:,.0f} training samples/s, "
              f"{elapsed:.1f} s")
    if len(results) == 2:
        speedup = results[0][2] / results[1][2]
        print(f"snn_ipu trains {speedup:.1f}x as many samples/s as the snnTorch tutorial loop")
    return 0
