"""``python -m snn_ipu bench-train``: the seed's training step, snn_ipu vs snnTorch.

The seed tutorial's network (784-1000-10, two Leaky layers, beta 0.9, T=25,
batch 128, ce_count_loss on output spikes, Adam) as the tutorial writes it
(snnTorch, Python time loop) and through ``snn_ipu.fuse`` with the same
weights and batch. Checks first that both give the same loss and gradients
(to round-off), then times full training steps (forward, backward, Adam),
the two sides interleaved step by step, and reports medians and their ratio.

Both sides always use the same optimizer. It is timed twice: with torch's
fused Adam (what ``python -m snn_ipu train`` uses, where torch has it) and
with torch's default for-loop Adam (what the tutorial's code gets).
"""
from __future__ import annotations

import argparse
import copy

import torch
from snntorch import functional as SF

from .._backends.host import require_host
from .args import add_threads, positive_int, use_threads
from .measure import interleaved_medians
from .bench import machine_description, print_machine, write_report
from .models import NUM_STEPS, seed_sequential
from .train import FusedRunner, SnnTorchRunner, adam, fused_adam_available

OPTIMIZERS = {"fused Adam": True, "for-loop Adam": False}


def make_step(runner, x, y, fused_adam=True):
    optimizer = adam(runner.model.parameters(), 1e-3, fused=fused_adam)
    loss_fn = SF.ce_count_loss()

    def step():
        loss = loss_fn(runner.spikes(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss

    return step


def check_same_loss_and_gradients(seq, x, y, num_steps):
    results = []
    for cls in (FusedRunner, SnnTorchRunner):
        runner = cls(copy.deepcopy(seq), num_steps)
        loss = SF.ce_count_loss()(runner.spikes(x), y)
        grads = torch.autograd.grad(loss, list(runner.model.parameters()))
        results.append((loss, grads))
    (loss_f, grads_f), (loss_s, grads_s) = results
    worst = 0.0
    for a, b in zip(grads_f, grads_s):
        scale = b.abs().max().item()
        worst = max(worst, (a - b).abs().max().item() / max(scale, 1e-30))
    if not torch.allclose(loss_f, loss_s, rtol=1e-6) or worst > 1e-4:
        raise AssertionError(f"snn_ipu and snnTorch disagree: loss {loss_f.item()} vs "
                             f"{loss_s.item()}, worst relative gradient error {worst:.2e}")
    return loss_f.item(), worst


def add_arguments(parser: argparse.ArgumentParser):
    parser.add_argument("--batch-size", type=positive_int, default=128,
                        help="samples per training step (default %(default)s)")
    parser.add_argument("--num-steps", type=positive_int, default=NUM_STEPS,
                        help="time steps T (default %(default)s)")
    parser.add_argument("--inputs", type=positive_int, default=784,
                        help="input features, 784 for MNIST's 28x28 (default %(default)s)")
    parser.add_argument("--repeats", type=positive_int, default=10,
                        help="timed steps of each side, reported as their median "
                             "(default %(default)s)")
    add_threads(parser, "torch / kernel threads")
    parser.add_argument("--json", default="benchmarks/out/train_step.json",
                        help="where to write the results as JSON (default %(default)s)")


def main(args) -> int:
    require_host()  # timing the reference path instead would mislead
    use_threads(args)
    torch.manual_seed(0)
    seq = seed_sequential(args.inputs)
    x = torch.rand(args.batch_size, 1, args.inputs)
    y = torch.randint(10, (args.batch_size,))
    loss, worst = check_same_loss_and_gradients(seq, x, y, args.num_steps)
    print(f"same loss ({loss:.6f}) and gradients (worst relative error {worst:.1e}) "
          f"for the same weights and batch")
    optimizers = {name: fused for name, fused in OPTIMIZERS.items()
                  if not fused or fused_adam_available()}
    steps = {}
    for opt_name, fused in optimizers.items():
        for cls in (FusedRunner, SnnTorchRunner):
            runner = cls(copy.deepcopy(seq), args.num_steps)
            steps[(opt_name, cls.name)] = make_step(runner, x, y, fused_adam=fused)
    medians = interleaved_medians(steps, args.repeats, warmup=2)
    times = {opt: {cls.name: medians[(opt, cls.name)] for cls in (FusedRunner, SnnTorchRunner)}
             for opt in optimizers}
    speedups = {opt: t[SnnTorchRunner.name] / t[FusedRunner.name] for opt, t in times.items()}
    machine = machine_description()
    print_machine(machine)
    print(f"training step, {args.inputs}-1000-10, T={args.num_steps}, batch {args.batch_size} "
          f"(median of {args.repeats}, all steps interleaved):")
    print(f"  {'':<24}" + "".join(f"{opt:>16}" for opt in optimizers))
    for cls in (FusedRunner, SnnTorchRunner):
        print(f"  {cls.name:<24}" + "".join(f"{times[opt][cls.name] * 1e3:13.2f} ms"
                                             for opt in optimizers))
    print(f"  {'snn_ipu is faster by':<24}" + "".join(f"{speedups[opt]:15.1f}x"
                                                     for opt in optimizers))
    write_report(args.json, args, {
        "machine": machine, "loss": loss, "worst_relative_gradient_error": worst,
        "ms": {opt: {k: v * 1e3 for k, v in t.items()} for opt, t in times.items()},
        "speedup": speedups})
    return 0
