"""``python -m snn_ipu train --device ipu``: the seed network under PopTorch.

The fused model is the same; under ``poptorch.trainingModel`` each Leaky's
``snn_ipu.ops.lif`` call becomes the PopART custom op (built when the Poplar
SDK is present), and PopART derives the backward from its grad op. Needs the
Poplar SDK and its poptorch wheel; not exercised where they are absent.
"""
from __future__ import annotations

import time

import torch
from snntorch import functional as SF

from ..fuse import fuse
from . import datasets
from .errors import CommandError, MissingDependency
from .models import seed_sequential


class _WithLoss(torch.nn.Module):
    """PopTorch's trainingModel wants the loss computed inside forward."""

    def __init__(self, model, num_steps):
        super().__init__()
        self.model = fuse(model)
        self.num_steps = num_steps
        self.loss_fn = SF.ce_count_loss()

    def forward(self, x, y):
        self.model.reset_hidden()
        spk, *_ = self.model(x, num_steps=self.num_steps)
        return spk, self.loss_fn(spk, y)


def main(args) -> int:
    if args.compare:
        raise CommandError("--compare trains snnTorch's loop beside snn_ipu on the CPU; "
                           "with --device ipu it is not available")
    try:
        import poptorch
    except ImportError as exc:
        raise MissingDependency("--device ipu needs PopTorch: source the Poplar SDK's enable "
                                f"script and install its poptorch wheel ({exc})") from exc
    if args.epochs is None:
        args.epochs = 15 if args.dataset == "digits" else 1
    data = datasets.load(args.dataset, args.data_dir)
    # PopTorch compiles for one batch size: only whole batches run.
    smallest = min(len(data.train_y), len(data.test_y))
    if args.batch_size > smallest:
        raise CommandError(f"--batch-size {args.batch_size}: the IPU runs whole batches only, "
                           f"and the {args.dataset} split has {smallest} samples")
    torch.manual_seed(args.seed)
    model = _WithLoss(seed_sequential(data.train_x[0].numel(), neuron=args.neuron),
                      args.num_steps)
    optimizer = poptorch.optim.Adam(model.parameters(), lr=args.lr)
    trainer = poptorch.trainingModel(model, poptorch.Options(), optimizer=optimizer)
    start, samples = time.perf_counter(), 0
    for epoch in range(args.epochs):
        order = torch.randperm(len(data.train_y))
        for i in range(0, len(order) - args.batch_size + 1, args.batch_size):
            index = order[i:i + args.batch_size]
            _, loss = trainer(data.train_x[index], data.train_y[index])
            samples += len(index)
        print(f"epoch {epoch + 1}: loss {float(loss):.3f}")
    trainer.detachFromDevice()
    inference = poptorch.inferenceModel(model)
    correct = 0
    for i in range(0, len(data.test_y) - args.batch_size + 1, args.batch_size):
        spk, _ = inference(data.test_x[i:i + args.batch_size], data.test_y[i:i + args.batch_size])
        correct += (spk.sum(0).argmax(1) == data.test_y[i:i + args.batch_size]).sum().item()
    tested = (len(data.test_y) // args.batch_size) * args.batch_size
    print(f"IPU: test accuracy {correct / max(tested, 1):.2%}, "
          f"{samples / (time.perf_counter() - start):,.0f} training samples/s")
    return 0
