"""The seed tutorial's network (snnTorch tutorial 5): a fully connected SNN
with 1000 hidden and 10 output leaky integrate-and-fire neurons, beta 0.9,
run for 25 steps on a static (directly encoded) input.

``seed_sequential`` builds it the snnTorch nn.Sequential way (what
``snn_ipu.fuse`` takes); ``SeedTutorialNet`` is the tutorial's own class with
its Python time loop, the baseline that ``--compare`` and the benchmarks run.
"""
from __future__ import annotations

import snntorch as snn
import torch
from torch import nn

HIDDEN, OUTPUTS, BETA, NUM_STEPS = 1000, 10, 0.9, 25


def seed_sequential(num_inputs: int, hidden: int = HIDDEN, beta: float = BETA) -> nn.Sequential:
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(num_inputs, hidden),
        snn.Leaky(beta=beta, init_hidden=True),
        nn.Linear(hidden, OUTPUTS),
        snn.Leaky(beta=beta, init_hidden=True, output=True),
    )


class SeedTutorialNet(nn.Module):
    """The tutorial's model, verbatim in structure: two Linear layers and two
    snn.Leaky neurons stepped in a Python loop, recording the output layer."""

    def __init__(self, num_inputs: int, hidden: int = HIDDEN, beta: float = BETA,
                 num_steps: int = NUM_STEPS):
        super().__init__()
        self.num_steps = num_steps
        self.fc1 = nn.Linear(num_inputs, hidden)
        self.lif1 = snn.Leaky(beta=beta)
        self.fc2 = nn.Linear(hidden, OUTPUTS)
        self.lif2 = snn.Leaky(beta=beta)

    def forward(self, x):
        x = x.flatten(1)
        mem1 = self.lif1.init_leaky()
        mem2 = self.lif2.init_leaky()
        spk2_rec, mem2_rec = [], []
        for _ in range(self.num_steps):
            cur1 = self.fc1(x)
            spk1, mem1 = self.lif1(cur1, mem1)
            cur2 = self.fc2(spk1)
            spk2, mem2 = self.lif2(cur2, mem2)
            spk2_rec.append(spk2)
            mem2_rec.append(mem2)
        return torch.stack(spk2_rec), torch.stack(mem2_rec)

    def load_sequential(self, seq: nn.Sequential) -> "SeedTutorialNet":
        """Copy the weights of a ``seed_sequential`` model (same initial weights)."""
        self.fc1.load_state_dict(seq[1].state_dict())
        self.fc2.load_state_dict(seq[3].state_dict())
        return self
