"""The all-to-all recurrences the one-node recurrent layer (recurrent.py)
runs: snnTorch's recurrent Linear or Conv2d as three calls, the product of
the previous spikes, that product's gradient to the previous spikes (one
step), and the weight's and bias's gradients over many steps at once.

The caller takes a recurrence from the layer's module only where these calls
are exactly what the module computes (_neurons/sequence.py); otherwise it
runs the module itself step by step.
"""
from __future__ import annotations

from typing import NamedTuple, Tuple

import torch
import torch.nn.functional as F



class LinearRecurrence(NamedTuple):
    """``F.linear(spk, weight, bias)`` over the last dimension, as
    nn.Linear calls it."""

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
    zero padding given as numbers, as nn.Conv2d calls it."""
    stride: Tuple[int, int]
    padding: Tuple[int, int]
    dilation: Tuple[int, int]
    groups: int

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
        return torch.nn.grad.conv2d_input(previous.shape, weight, grad, self.stride,
                                          self.padding, self.dilation, self.groups)

    def weight_grad(self, grad, previous, weight):
        return torch.nn.grad.conv2d_weight(previous, weight.shape, grad, self.stride,
                                           self.padding, self.dilation, self.groups)

    def bias_grad(self, grad):
        return grad.sum((0, 2, 3))
