"""Runs snn_ipu.ops.lif and the snnTorch oracle on the same arguments (any
layout, dtype, subset of tensors requiring grad) and compares outputs and
gradients.

The oracle applies ops.lif's documented argument semantics, then runs
snnTorch 1.0.0's Leaky loop: parameters and mem are cast to the state dtype
(float32, or float64 for a float64 input) inside the autograd graph; a
float16 input runs in float32 and its outputs are rounded to float16; a static
input (num_steps) is expanded over time.

Tolerances: forward results equal bit for bit (float64: to 1e-12, since
snnTorch's float32 spike functions round some float64 products). Gradients:
NaN/inf at the same places, finite values within `rel` of their round-off
scale: the largest magnitude of the input's (per-step) gradient terms, or for
a parameter the largest sum of the magnitudes of the terms its elements'
gradients add up over steps and neurons (oracle.snntorch_lif_terms). rel is 1e-5 for float32 and float64
(snnTorch rounds gradients through its float32 spikes) and 2e-3 for float16
(both sides round once to float16, which may fall on either side), or the
machine epsilon of an argument's dtype where that is larger (its gradient is
rounded to it).

With reset_delay=False the graded factor's gradient is compared with its
exact value (oracle.exact_graded_gradient): snnTorch's own carries float32
noise from two cancelling paths.
"""
import torch

import snn_ipu
from .nonfinite import assert_close_with_nonfinite, assert_equal_with_nan
from .oracle import (SURROGATE_FACTORIES, exact_graded_gradient, snntorch_lif_terms,
                    stable_sigmoid, term_scale)

PARAMS = ("beta", "threshold", "graded_spikes_factor")


def _state_dtype(x):
    return torch.float64 if x.dtype == torch.float64 else torch.float32


def _as_state(value, dtype):
    if isinstance(value, torch.Tensor):
        return value.to(dtype)
    return torch.tensor(float(value), dtype=dtype)


def _weights(shape, dtype, seed):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=gen).to(dtype)


def _loss(spk, second, seed):
    return ((spk * _weights(spk.shape, spk.dtype, seed)).sum()
            + (second * _weights(second.shape, second.dtype, seed + 1)).sum())


def run_ours(args, options):
    return snn_ipu.ops.lif(args["input_"], args["beta"], args.get("threshold", 1.0),
                           args.get("mem"),
                           graded_spikes_factor=args.get("graded_spikes_factor", 1.0),
                           spike_grad=SURROGATE_FACTORIES[options.get("surrogate", "atan")](),
                           reset_mechanism=options.get("reset", "subtract"),
                           reset_delay=options.get("delay", True),
                           record_mem=options.get("record_mem", True),
                           num_steps=options.get("num_steps"),
                           num_threads=options.get("threads", 2))


def run_oracle(args, options):
    """Returns (spk, second output, copies, full input) as ops.lif defines them."""
    x = args["input_"]
    state = _state_dtype(x)
    full = x if options.get("num_steps") is None else x.expand(options["num_steps"], *x.shape)
    full = full.clone()  # a node of its own: its gradient gives the input's term scale
    work = full.float() if x.dtype == torch.float16 else full
    mem = args.get("mem")
    surrogate = options.get("surrogate", "atan")
    spike_fn = stable_sigmoid(5.0) if surrogate == "sigmoid" else SURROGATE_FACTORIES[surrogate]()
    spk, mem_rec, copies = snntorch_lif_terms(
        work, _as_state(args["beta"], state), _as_state(args.get("threshold", 1.0), state),
        None if mem is None else mem.to(state), spike_grad=spike_fn,
        reset_mechanism=options.get("reset", "subtract"),
        reset_delay=options.get("delay", True),
        graded_spikes_factor=_as_state(args.get("graded_spikes_factor", 1.0), state))
    spk, mem_rec = spk.to(x.dtype), mem_rec.to(x.dtype)
    second = mem_rec if options.get("record_mem", True) else mem_rec[-1]
    return spk, second, copies, full


def _cancelling_graded_paths(options):
    return not options.get("delay", True) and options.get("reset", "subtract") != "none"


def requiring_grad(args):
    """The names of the tensor arguments that require grad."""
    return [name for name, value in args.items()
            if isinstance(value, torch.Tensor) and value.requires_grad]


def check_against_snntorch(args, grad_names, options, seed=0):
    """Compare ops.lif with the oracle on `args` (dict: input_, beta and
    optionally threshold, mem, graded_spikes_factor); differentiate with
    respect to the tensors named in grad_names."""
    spk, second = run_ours(args, options)
    spk_r, second_r, copies, full = run_oracle(args, options)
    x = args["input_"]
    assert spk.dtype == second.dtype == x.dtype
    assert_equal_with_nan(spk, spk_r, "spikes")
    if x.dtype == torch.float64:
        assert torch.allclose(second, second_r, rtol=0, atol=1e-12, equal_nan=True)
    else:
        assert_equal_with_nan(second, second_r, "membrane")
    if not grad_names:
        assert not spk.requires_grad and not second.requires_grad
        return
    leaves = [args[name] for name in grad_names]
    ours = torch.autograd.grad(_loss(spk, second, seed), leaves, allow_unused=True)
    # The oracle's gradients, and those of its per-step terms (the expanded
    # input and the parameters' per-step copies) where they take part.
    extra = {"input_": [full]} if full.requires_grad else {}
    extra.update({name: copies[name] for name in PARAMS if copies[name][0].requires_grad})
    flat_extra = [t for group in extra.values() for t in group]
    grads = torch.autograd.grad(_loss(spk_r, second_r, seed), leaves + flat_extra,
                                allow_unused=True)
    ref, rest = grads[:len(leaves)], list(grads[len(leaves):])
    terms = {}
    for name, group in extra.items():
        terms[name] = [g if g is not None else torch.zeros_like(t)
                       for g, t in zip(rest[:len(group)], group)]
        rest = rest[len(group):]
    rel = 2e-3 if x.dtype == torch.float16 else 1e-5
    for name, leaf, a, r in zip(grad_names, leaves, ours, ref):
        r = torch.zeros_like(leaf) if r is None else r
        a = torch.zeros_like(leaf) if a is None else a
        assert a.dtype == leaf.dtype and a.shape == leaf.shape, (name, a.dtype, a.shape)
        if name == "graded_spikes_factor" and _cancelling_graded_paths(options):
            # snnTorch's NaN/inf; elsewhere the exact value, without its noise.
            exact, scale = exact_graded_gradient(spk_r, _weights(spk.shape, spk.dtype, seed),
                                                 leaf.shape)
            r = torch.where(torch.isfinite(r), exact.to(r.dtype), r)
        elif name in PARAMS:
            scale = term_scale(terms[name], leaf.shape)
        elif name == "input_":
            scale = terms["input_"][0].abs().double().sum_to_size(leaf.shape)
        else:
            scale = None
        # A float16 or bfloat16 argument's gradient is rounded to its dtype.
        leaf_rel = max(rel, torch.finfo(leaf.dtype).eps)
        assert_close_with_nonfinite(a, r, scale=scale, rel=leaf_rel, name=f"gradient of {name}")
