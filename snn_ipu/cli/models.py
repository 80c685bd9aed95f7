"""The seed tutorial's network (snnTorch tutorial 5): a fully connected SNN
with 1000 hidden and 10 output leaky integrate-and-fire neurons, beta 0.9,
run for 25 steps on a static (directly encoded) input; or the same network
of another of snnTorch's neurons (``neuron``: NEURONS).

``seed_sequential`` builds it the snnTorch nn.Sequential way (what
``snn_ipu.fuse`` takes); ``SeedTutorialNet`` is the tutorial's own class with
its Python time loop, the baseline that ``--compare`` and the benchmarks run.
"""
from __future__ import annotations

import snntorch as snn
import torch
from torch import nn

HIDDEN, OUTPUTS, BETA, NUM_STEPS = 1000, 10, 0.9, 25

NEURONS = ("leaky", "synaptic", "alpha", "lapicque", "rleaky")


def make_neuron(neuron: str, beta: float = BETA, **kwargs):
    """One of snnTorch's neurons with the tutorial's membrane decay ``beta``:
    Synaptic's synaptic current decaying with 0.5; Alpha's excitatory
    current decaying with ``beta`` and its inhibitory one with 0.8 (alpha
    must exceed beta); Lapicque's RC made from ``beta`` with R = 10, so that
    its input gain R*log(1/beta) is about Leaky's 1; RLeaky's one-to-one
    recurrence starting at V = 0.5, learnt (snnTorch's learn_recurrent)."""
    if neuron == "synaptic":
        return snn.Synaptic(alpha=0.5, beta=beta, **kwargs)
    if neuron == "alpha":
        return snn.Alpha(alpha=beta, beta=0.8, **kwargs)
    if neuron == "lapicque":
        return snn.Lapicque(beta=beta, R=10, **kwargs)
    if neuron == "rleaky":
        return snn.RLeaky(beta=beta, V=0.5, all_to_all=False, **kwargs)
    return snn.Leaky(beta=beta, **kwargs)


def seed_sequential(num_inputs: int, hidden: int = HIDDEN, beta: float = BETA,
                    neuron: str = "leaky") -> nn.Sequential:
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(num_inputs, hidden),
        make_neuron(neuron, beta, init_hidden=True),
        nn.Linear(hidden, OUTPUTS),
        make_neuron(neuron, beta, init_hidden=True, output=True),
    )


class SeedTutorialNet(nn.Module):
    """The tutorial's model, verbatim in structure: two Linear layers and two
    neurons (snn.Leaky in the tutorial) stepped in a Python loop, recording
    the output layer's spikes and membrane."""

    def __init__(self, num_inputs: int, hidden: int = HIDDEN, beta: float = BETA,
                 num_steps: int = NUM_STEPS, neuron: str = "leaky"):
        super().__init__()
        self.num_steps = num_steps
        self.fc1 = nn.Linear(num_inputs, hidden)
        self.lif1 = make_neuron(neuron, beta)
        self.fc2 = nn.Linear(hidden, OUTPUTS)
        self.lif2 = make_neuron(neuron, beta)

    def forward(self, x):
        x = x.flatten(1)
        states1 = self.lif1.reset_mem()  # the tutorial's init_leaky()
        states2 = self.lif2.reset_mem()
        states1 = states1 if isinstance(states1, tuple) else (states1,)
        states2 = states2 if isinstance(states2, tuple) else (states2,)
        spk2_rec, mem2_rec = [], []
        # A recurrent neuron's call takes its spike back as the first state.
        carried = 0 if isinstance(self.lif1, (snn.RLeaky, snn.RSynaptic)) else 1
        for _ in range(self.num_steps):
            cur1 = self.fc1(x)
            out1 = self.lif1(cur1, *states1)
            spk1, states1 = out1[0], out1[carried:]
            cur2 = self.fc2(spk1)
            out2 = self.lif2(cur2, *states2)
            spk2, states2 = out2[0], out2[carried:]
            spk2_rec.append(spk2)
            mem2_rec.append(states2[-1])
        return torch.stack(spk2_rec), torch.stack(mem2_rec)

    def load_sequential(self, seq: nn.Sequential) -> "SeedTutorialNet":
        """Copy the weights of a ``seed_sequential`` model (same initial weights)."""
        self.fc1.load_state_dict(seq[1].state_dict())
        self.fc2.load_state_dict(seq[3].state_dict())
        return self
