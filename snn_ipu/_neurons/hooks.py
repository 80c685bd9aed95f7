"""Whether a module's calls run hooks: the paths that compute a module's
output without calling it (fuse's folds, the recurrent neurons' one-node
all-to-all sequence) must not skip any."""
from __future__ import annotations

from torch import nn
from torch.nn.modules import module as module_impl  # its global hook registries


def has_own_hooks(layer: nn.Module) -> bool:
    """Forward or backward hooks registered on the layer itself."""
    own = (layer._forward_hooks, layer._forward_pre_hooks, layer._backward_hooks,
           getattr(layer, "_backward_pre_hooks", None))
    return any(bool(hooks) for hooks in own)


def has_global_hooks() -> bool:
    """Forward or backward hooks registered for every module."""
    every = (module_impl._global_forward_hooks, module_impl._global_forward_pre_hooks,
             module_impl._global_backward_hooks,
             getattr(module_impl, "_global_backward_pre_hooks", None))
    return any(bool(hooks) for hooks in every)


def has_hooks(layer: nn.Module) -> bool:
    """Forward or backward hooks on the layer or on every module."""
    return has_own_hooks(layer) or has_global_hooks()
