"""The all-to-all recurrences the one-node recurrent layer (recurrent.py)
runs: snnTorch's recurrent Linear or Conv2d as the calls it takes: the product of
the previous spikes, that product's gradient to the previous spikes (one
step), and the weight's and bias's gradients.

The caller takes a recurrence from the layer's module only where these calls
are exactly what the module computes (_neurons/sequence.py); otherwise it
runs the module itself step by step.
"""
from __future__ import annotations

from typing import NamedTuple, Tuple

import torch
import torch.nn.functional as F



class LinearRecurrence:
    """``F.linear(spk, weight, bias)`` over the last dimension, as
    nn.Linear calls it. The weight's gradient is one product over all
    steps, after the backward's loop."""

    # Whether the backward forms the weight's gradient step by step
    # (input_and_weight_grad) rather than after its loop (weight_grad).
    weight_grad_per_step = False

    def fits(self, weight: torch.Tensor, step_shape) -> bool:
        """Whether the product of a step's spikes has their shape."""
        return (len(step_shape) >= 1 and weight.dim() == 2
                and weight.shape[0] == weight.shape[1] == step_shape[-1])

    def item_shape(self, step_shape) -> Tuple[int, ...]:
        """The shape of one item of the product's batch."""
        return tuple(step_shape[-1:])

    def product(self, spk, weight, bias):
        return F.linear(spk, weight, bias)

    def input_grad(self, grad, previous, weight):
        """The previous spikes' gradient from the product's, ``grad @ W``;
        both [items, ...] as item_shape gives."""
        return grad.mm(weight)

    def weight_grad(self, grad, previous, weight):
        """``sum over items of grad^T previous`` ([items, F] each)."""
        return grad.t().mm(previous)

    def bias_grad(self, grad):
        return grad.sum(0)


class Conv2dRecurrence(NamedTuple):
    """``F.conv2d(spk, weight, bias, stride, padding, dilation, groups)`` with
    zero padding given as numbers, as nn.Conv2d calls it.

    The weight's gradient is formed step by step, in the same call as the
    previous spikes' (the call autograd makes for one step of the loop):
    one call over all steps at once ran 2.2x slower than the per-step calls
    together and allocated two more [T, ...] tensors (benchmarks/RESULTS.md,
    "All-to-all in one node: Conv2d too, and less memory")."""
    stride: Tuple[int, int]
    padding: Tuple[int, int]
    dilation: Tuple[int, int]
    groups: int

    weight_grad_per_step = True

    def fits(self, weight: torch.Tensor, step_shape) -> bool:
        if len(step_shape) not in (3, 4) or weight.dim() != 4:
            return False
        channels, height, width = step_shape[-3:]
        if weight.shape[0] != channels or weight.shape[1] * self.groups != channels:
            return False
        out = [(size + 2 * p - d * (k - 1) - 1) // s + 1 for size, p, d, k, s in zip(
            (height, width), self.padding, self.dilation, weight.shape[2:], self.stride)]
        return out == [height, width]

    def item_shape(self, step_shape) -> Tuple[int, ...]:
        return tuple(step_shape[-3:])

    def product(self, spk, weight, bias):
        return F.conv2d(spk, weight, bias, self.stride, self.padding, self.dilation,
                        self.groups)

    def input_grad(self, grad, previous, weight):
        """The transposed convolution of the product's gradient."""
        return self._backward(grad, previous, weight, (True, False, False))[0]

    def input_and_weight_grad(self, grad, previous, weight):
        """The previous spikes' gradient and the weight's, for one step."""
        return self._backward(grad, previous, weight, (True, True, False))[:2]

    def _backward(self, grad, previous, weight, mask):
        return torch.ops.aten.convolution_backward(
            grad, previous, weight, None, self.stride, self.padding, self.dilation,
            False, [0, 0], self.groups, mask)

    def bias_grad(self, grad):
        return grad.sum((0, 2, 3))
