"""``snn_ipu.fuse``: run an snnTorch ``nn.Sequential`` over all time steps at once.

snnTorch runs such a model step by step: every layer is called T times on a
[B, ...] batch. The fused model instead calls each stateless layer once on the
time-folded [T*B, ...] batch and each neuron (snnTorch's ``Leaky``,
``Synaptic``, ``Alpha`` or ``Lapicque``) once through the fused kernels over
all T steps. The modules (and so the parameters) are the original
model's: training one trains the other.

When the input is the same at every step (direct encoding: pass ``[B, ...]``
and ``num_steps``), the leading layers run once while they are deterministic
(Linear, Conv, Flatten, pooling, activations, dropout in eval, batch norm
that updates no running statistics), and the first neuron reads their
output as a constant current whose gradient the kernel sums over time. This
is exact; it removes T-1 of T evaluations of those layers. From the first
other layer on, every layer runs over all T steps.

A small Linear right after a Leaky (at most ops.LIF_LINEAR_MAX_OUTPUTS
outputs, as a classifier's output layer) runs with it as one autograd node
while gradients are recorded (ops.lif_linear): its forward is the same two
calls, and its backward forms the spikes' gradient from the Linear's output
gradient inside the LIF kernel, block by block, instead of as a [T, B, ...]
tensor written by one matmul and read back.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Optional

import snntorch as snn
import torch
from torch import nn

from . import ops
from ._counts import check_num_steps
from ._neurons.hooks import has_global_hooks, has_hooks, has_own_hooks
from ._neurons.sequence import FUSED_NEURONS, run_leaky_then_linear, run_sequence
from ._warn import warn_at_caller

__all__ = ["fuse", "FusedSequential"]

# Layers whose output depends only on their input and parameters, and that
# change no state when called: safe to run once for a static input.
_DETERMINISTIC = (
    nn.Linear, nn.Bilinear, nn.Identity, nn.Flatten, nn.Unflatten,
    nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d, nn.ConvTranspose2d,
    nn.ConvTranspose3d, nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d, nn.AvgPool1d,
    nn.AvgPool2d, nn.AvgPool3d, nn.AdaptiveAvgPool1d, nn.AdaptiveAvgPool2d,
    nn.AdaptiveAvgPool3d, nn.AdaptiveMaxPool1d, nn.AdaptiveMaxPool2d, nn.AdaptiveMaxPool3d,
    nn.ReLU, nn.LeakyReLU, nn.Sigmoid, nn.Tanh, nn.GELU, nn.ELU, nn.SiLU, nn.Hardtanh,
    nn.LayerNorm, nn.GroupNorm, nn.ZeroPad2d, nn.ConstantPad2d,
)
# BatchNorm1d/2d/3d, their lazy forms and SyncBatchNorm.
_BATCH_NORM = (nn.modules.batchnorm._BatchNorm,)
_DROPOUT = (nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout)


def fuse(model: nn.Sequential) -> "FusedSequential":
    """Fuse an snnTorch-style ``nn.Sequential`` over time.

    ``model`` holds stateless layers (Linear, Conv, Flatten, pooling,
    dropout, batch norm, ...) and snnTorch neurons (``Leaky``, ``Synaptic``,
    ``Alpha``, ``Lapicque``, with ``init_hidden=True``; snn_ipu.nn's or
    snnTorch's own), the last possibly with ``output=True``. Every layer but
    the neurons runs once on the time-folded ``[T*B, ...]`` batch, so it
    must treat samples independently and keep no state between calls (batch
    norm, whose batch statistics are per step, runs step by step, also inside
    a nested module); spiking neurons must be direct children of ``model``
    (one nested in a block is refused), and a neuron with hooks is refused (a
    fused neuron runs all steps in one call, so per-step hooks cannot run).
    Returns a module that shares ``model``'s layers; call it with
    ``[T, B, ...]``, or with a static ``[B, ...]`` and ``num_steps``. It
    returns what snnTorch's step loop would collect from the last layer,
    stacked over time: the spikes and every state's record (``(spk_rec,
    mem_rec)`` for a Leaky, ``(spk_rec, syn_rec, mem_rec)`` for a Synaptic,
    ...) when the last layer is a neuron with ``output=True``, else the last
    layer's outputs.

    Results: the neurons are bitwise snnTorch's. A layer run on the folded
    batch agrees with the step loop's per-step calls to its round-off (BLAS
    and oneDNN choose kernels by batch size), so membranes agree to
    round-off and a spike can flip only where a membrane lies within it of
    the threshold; hoisted layers and layers run per step see the loop's
    batch and give its bits. Gradients agree to round-off.
    """
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"fuse: expected an nn.Sequential, got {type(model).__name__}")
    return FusedSequential(model)


class FusedSequential(nn.Sequential):
    """The layers of an snnTorch ``nn.Sequential``, run over all time steps at once.

    It is an ``nn.Sequential`` of the very same module objects, so
    ``state_dict`` keys match the original and ``snntorch.utils.reset``
    resets its neurons.
    """

    def __init__(self, model):
        # An OrderedDict of layers is what nn.Sequential's slicing passes.
        if isinstance(model, nn.Sequential):
            named = OrderedDict(model.named_children())
        elif isinstance(model, OrderedDict):
            named = model
        else:
            raise TypeError(f"fuse: expected an nn.Sequential, got {type(model).__name__}")
        _check_layers(list(named.values()))
        super().__init__(named)  # the original's names: its state_dict keys

    def reset_hidden(self) -> None:
        """Zero every neuron's membrane (detached), as ``snntorch.utils.reset``
        does. Unlike that, it also reaches deep copies of snnTorch neurons,
        which snnTorch's class-wide list of instances does not hold."""
        for layer in self:
            if isinstance(layer, FUSED_NEURONS):
                layer.reset_mem()

    def forward(self, x: torch.Tensor, num_steps: Optional[int] = None):
        if num_steps is not None:
            steps, static = check_num_steps(num_steps), True
        else:
            if x.dim() < 2:
                raise ValueError(f"input: expected [T, B, ...] (or [B, ...] with num_steps), "
                                 f"got shape {tuple(x.shape)}")
            steps, static = x.shape[0], False

        h = x
        last = len(self) - 1
        layers = list(self)
        index = 0
        while index <= last:
            layer = layers[index]
            index += 1
            if isinstance(layer, FUSED_NEURONS):
                _check_neuron_hooks(index - 1, layer)
                if (isinstance(layer, snn.Leaky) and index <= last
                        and _folds_into_leaky(layers[index])):
                    out = run_leaky_then_linear(layer, layers[index], h,
                                                num_steps=steps if static else None)
                    if out is not None:  # the Linear ran too
                        h, static = out, False
                        index += 1
                        continue
                keep_states = index - 1 == last and layer.output
                spk, states = run_sequence(layer, h, num_steps=steps if static else None,
                                           record=keep_states)
                if index - 1 == last:
                    return (spk, *states) if keep_states else spk
                h, static = spk, False
            elif static and _hoistable(layer):
                h = layer(h)
            else:
                if static:  # this layer must see every step: stop hoisting here
                    h = h.expand(steps, *h.shape)
                    static = False
                h = _over_time(layer, h)
        return h.expand(steps, *h.shape) if static else h


def _check_layers(layers):
    fused = _fused_names()
    neurons = [i for i, layer in enumerate(layers) if isinstance(layer, FUSED_NEURONS)]
    for i, layer in enumerate(layers):
        if isinstance(layer, snn.SpikingNeuron) and not isinstance(layer, FUSED_NEURONS):
            raise TypeError(f"fuse: layer {i} ({type(layer).__name__}) is a spiking neuron "
                            f"fuse does not cover; it fuses {fused}")
        if isinstance(layer, snn.SpikingNeuron):
            continue
        for path, inner in layer.named_modules():
            if isinstance(inner, snn.SpikingNeuron):
                raise TypeError(
                    f"fuse: layer {i} ({type(layer).__name__}) holds a spiking neuron "
                    f"({path}: {type(inner).__name__}); fuse runs every layer but the "
                    f"neurons once over all time steps, which would give that neuron a "
                    f"single step. Make the neurons direct children of one nn.Sequential")
    for i in neurons:
        layer, name = layers[i], type(layers[i]).__name__
        if not layer.init_hidden:
            raise ValueError(f"fuse: layer {i} ({name}) needs init_hidden=True, as in "
                             f"snnTorch's nn.Sequential models")
        if layer.output and i != len(layers) - 1:
            raise ValueError(f"fuse: layer {i} ({name}) has output=True but is not the last "
                             f"layer; its tuple of spikes and states could not feed the "
                             f"next layer")


def _fused_names() -> str:
    names = [f"snntorch.{base.__name__}" for base in FUSED_NEURONS]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _folds_into_leaky(layer: nn.Module) -> bool:
    """A Linear after a Leaky runs with it as one node (ops.lif_linear) when
    it is small and plain: exactly nn.Linear, with no forward or backward
    hooks (which the fold, never calling the module, would skip), and only
    while gradients are recorded (that is what the fold speeds up)."""
    return (type(layer) is nn.Linear and 1 <= layer.out_features <= ops.LIF_LINEAR_MAX_OUTPUTS
            and not has_hooks(layer) and torch.is_grad_enabled())


def _check_neuron_hooks(index: int, layer) -> None:
    """A fused neuron is never called as a module: hooks on it would silently
    not run, so they are refused; hooks on every module still run for the
    other layers, so they get a warning."""
    name = type(layer).__name__
    if has_own_hooks(layer):
        raise RuntimeError(
            f"fuse: layer {index} ({name}) has forward or backward hooks; a fused neuron "
            f"runs all time steps in one kernel call and is never called as a module, so "
            f"they would not run. Remove them, or run the model step by step")
    if has_global_hooks():
        warn_at_caller(f"fuse: layer {index} ({name}) runs fused, so the hooks registered "
                       f"for every module are not called for it", UserWarning)


def _hoistable(layer: nn.Module) -> bool:
    if isinstance(layer, _BATCH_NORM):
        # Training with running statistics updates them at every step; batch
        # statistics alone are the same at every step of a static input.
        return not (layer.training and layer.track_running_stats)
    if isinstance(layer, _DROPOUT):
        return not layer.training or layer.p == 0
    return type(layer) in _DETERMINISTIC


def _uses_batch_statistics(layer: nn.Module) -> bool:
    """Whether a batch norm in `layer` (or `layer` itself) normalises with the
    statistics of the batch it is given: in training, and always without
    running statistics (track_running_stats=False)."""
    return any(isinstance(m, _BATCH_NORM) and (m.training or not m.track_running_stats)
               for m in layer.modules())


def _over_time(layer: nn.Module, h: torch.Tensor) -> torch.Tensor:
    """Apply a stateless layer at every step: once on the time-folded batch,
    except where batch norm normalises with batch statistics, which are per
    step."""
    steps = h.shape[0]
    if _uses_batch_statistics(layer):
        return torch.stack([layer(h_t) for h_t in h.unbind(0)])
    out = layer(h.reshape(steps * h.shape[1], *h.shape[2:]))
    return out.reshape(steps, h.shape[1], *out.shape[1:])
