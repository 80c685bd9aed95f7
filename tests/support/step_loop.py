"""A model run step by step, as the snnTorch tutorials run it, and the
comparison of a fused model's outputs with it (see tests/nn/test_fuse.py's
docstring for why folded layers agree to round-off)."""
import torch
from snntorch import utils

from .oracle import close_to_round_off


def step_loop(model, x, num_steps=None):
    """What the snnTorch tutorials do: reset, then call the model each step."""
    utils.reset(model)
    outs = []
    steps = range(num_steps) if num_steps is not None else range(x.shape[0])
    for t in steps:
        outs.append(model(x if num_steps is not None else x[t]))
    if isinstance(outs[0], tuple):
        return tuple(torch.stack(o) for o in zip(*outs))
    return torch.stack(outs)


def like_step_loop(out, ref, exact=False):
    """The fused model's outputs against the step loop's: bitwise where
    ``exact`` (every layer ran on the same batch both ways), else to the
    round-off of the folded layers (spikes, 0 or 1, are then still equal:
    only a membrane within round-off of the threshold could flip one)."""
    out_t, ref_t = (out, ref) if isinstance(out, tuple) else ((out,), (ref,))
    assert len(out_t) == len(ref_t)
    for a, r in zip(out_t, ref_t):
        assert a.shape == r.shape
        if exact:
            assert torch.equal(a, r)
        else:
            # The recursion carries a layer's round-off for all T steps.
            close_to_round_off(a, r, rel=1e-5)
