"""Runs snn_ipu's Synaptic, Alpha, Lapicque, RLeaky and RSynaptic ops and the snnTorch oracle
(snnTorch 1.0.0's layer, called step by step) on the same arguments and
compares outputs and gradients, as lif_compare.py does for ops.lif.

The oracle applies the op's documented argument semantics: parameters and
states cast to the state dtype (float32, or float64 for a float64 input)
inside the autograd graph, a float16 input run in float32 and its outputs
rounded to float16, a static input (num_steps) expanded over time, numbers as
snnTorch holds them. Every step gets its own copy of each parameter (the
layer's buffers replaced before the step), so that a parameter's gradient is
the sum of its copies' and the sum of their magnitudes is its round-off
scale (oracle.term_scale).

Tolerances: forward results equal bit for bit (float64: to 1e-12), NaN at the
same places. Gradients: NaN/inf at the same places, finite values within
`rel` of their round-off scale (1e-5 for float32 and float64, 2e-3 for
float16), as lif_compare.py.
"""
import snntorch as snn
import torch

import snn_ipu
from .nonfinite import assert_close_with_nonfinite, assert_equal_with_nan
from .oracle import SURROGATE_FACTORIES, stable_sigmoid, term_scale

# Per model: the op, snnTorch's layer, the op's parameter and state argument
# names (in the op's order) and the names of the layer's buffers that hold
# the parameters.
MODELS = {
    "synaptic": dict(op=lambda: snn_ipu.ops.synaptic, layer=snn.Synaptic,
                     params=("alpha", "beta", "threshold"), states=("syn", "mem"),
                     reset_delay=True),
    "alpha": dict(op=lambda: snn_ipu.ops.alpha, layer=snn.Alpha,
                  params=("alpha", "beta", "threshold"), states=("syn_exc", "syn_inh", "mem"),
                  reset_delay=False),
    "lapicque": dict(op=lambda: snn_ipu.ops.lapicque, layer=snn.Lapicque,
                     params=("R", "C", "time_step", "threshold"), states=("mem",),
                     reset_delay=False),
    # One-to-one recurrence. The states are the layer's call's (spk first);
    # RSynaptic's reset_delay=False is a no-op in snnTorch and in the op.
    "rleaky": dict(op=lambda: snn_ipu.ops.rleaky, layer=snn.RLeaky,
                   params=("beta", "V", "threshold"), states=("spk", "mem"),
                   reset_delay=True, recurrent=True),
    "rsynaptic": dict(op=lambda: snn_ipu.ops.rsynaptic, layer=snn.RSynaptic,
                      params=("alpha", "beta", "V", "threshold"),
                      states=("spk", "syn", "mem"), reset_delay=True, recurrent=True),
}


def _state_dtype(x):
    return torch.float64 if x.dtype == torch.float64 else torch.float32


def _weights(shape, dtype, seed):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=gen).to(dtype)


def _loss(outputs, seed):
    return sum((o * _weights(o.shape, o.dtype, seed + i)).sum() for i, o in enumerate(outputs))


def _spike_fn(options):
    surrogate = options.get("surrogate", "atan")
    # snnTorch 1.0.0's sigmoid overflows to NaN (see oracle.stable_sigmoid).
    return stable_sigmoid(5.0) if surrogate == "sigmoid" else SURROGATE_FACTORIES[surrogate]()


def run_ours(model, args, options):
    spec = MODELS[model]
    kwargs = dict(spike_grad=SURROGATE_FACTORIES[options.get("surrogate", "atan")](),
                  reset_mechanism=options.get("reset", "subtract" if model != "alpha" else "zero"),
                  record_state=options.get("record", True), num_steps=options.get("num_steps"),
                  num_threads=options.get("threads", 2))
    if spec["reset_delay"]:
        kwargs["reset_delay"] = options.get("delay", True)
    return spec["op"]()(args["input_"], *(args[p] for p in spec["params"]),
                        *(args.get(s) for s in spec["states"]), **kwargs)


def _as_snntorch_value(model, value, dtype):
    """A parameter as the op takes it, for the oracle's buffers: numbers in
    the state dtype; Lapicque's constants as they are, numbers as
    torch.as_tensor makes them (as snnTorch holds them, and computes 1/(R*C)
    from them; ops.lapicque says so)."""
    if model == "lapicque":
        return torch.as_tensor(value)
    if not isinstance(value, torch.Tensor):
        return torch.tensor(float(value), dtype=dtype)
    return value.to(dtype)


def run_oracle(model, args, options):
    """Returns (outputs, per-parameter lists of per-step copies, the full input)."""
    spec = MODELS[model]
    x = args["input_"]
    state = _state_dtype(x)
    full = x if options.get("num_steps") is None else x.expand(options["num_steps"], *x.shape)
    full = full.clone()  # a node of its own: its gradient gives the input's term scale
    work = full.float() if x.dtype == torch.float16 else full
    params = {p: _as_snntorch_value(model, args[p], state) for p in spec["params"]}
    reset = options.get("reset", "subtract" if model != "alpha" else "zero")
    kwargs = dict(spike_grad=_spike_fn(options), reset_mechanism=reset)
    if spec["reset_delay"]:
        kwargs["reset_delay"] = options.get("delay", True)
    if model == "lapicque":
        # Built with placeholders (snnTorch's constructor takes one R and C);
        # every step then gets its copies of the real ones.
        layer = snn.Lapicque(R=1.0, C=1.0, time_step=1.0, threshold=1.0, **kwargs)
    elif spec.get("recurrent"):
        # V a buffer (learn_recurrent=False), so that every step can get its
        # copy; the one-to-one recurrence holds V too.
        layer = spec["layer"](**{p: params[p] for p in spec["params"]}, all_to_all=False,
                              learn_recurrent=False, **kwargs)
    else:
        layer = spec["layer"](alpha=params["alpha"], beta=params["beta"],
                              threshold=params["threshold"], **kwargs)
    snn.SpikingNeuron.instances.clear()  # snnTorch keeps every neuron alive otherwise
    states = [torch.zeros_like(work[0]) if args.get(s) is None else args[s].to(state)
              for s in spec["states"]]
    copies = {p: [] for p in spec["params"]}
    outputs = []
    for t in range(work.shape[0]):
        for name, value in params.items():
            copy = value.expand(work.shape[1:]).clone()
            setattr(layer, name, copy)  # a registered buffer: replaced for this step
            if name == "V":
                layer.recurrent.V = copy
            copies[name].append(copy)
        out = layer(work[t], *states)
        states = list(out if spec.get("recurrent") else out[1:])
        outputs.append(out)
    stacked = [torch.stack(o).to(x.dtype) for o in zip(*outputs)]
    if not options.get("record", True):
        stacked = [stacked[0]] + [s[-1] for s in stacked[1:]]
    return stacked, copies, full


def check_against_snntorch(model, args, grad_names, options, seed=0):
    """Compare the op with the oracle on `args` (input_, the parameters and
    optionally the states); differentiate with respect to the tensors named
    in grad_names."""
    ours = run_ours(model, args, options)
    ref, copies, full = run_oracle(model, args, options)
    x = args["input_"]
    assert len(ours) == len(ref)
    for i, (a, r) in enumerate(zip(ours, ref)):
        assert a.dtype == x.dtype, (i, a.dtype)
        if x.dtype == torch.float64 and i > 0:
            assert torch.allclose(a, r, rtol=0, atol=1e-12, equal_nan=True), i
        else:
            assert_equal_with_nan(a, r, f"output {i}")
    if not grad_names:
        return
    leaves = [args[name] for name in grad_names]
    got = torch.autograd.grad(_loss(ours, seed), leaves, allow_unused=True)
    extra = [full] + [c for name in grad_names if name in copies for c in copies[name]]
    grads = torch.autograd.grad(_loss(ref, seed), leaves + extra, allow_unused=True)
    want, rest = grads[:len(leaves)], list(grads[len(leaves):])
    input_terms, rest = rest[0], rest[1:]
    rel = 2e-3 if x.dtype == torch.float16 else 1e-5
    for name, leaf, a, r in zip(grad_names, leaves, got, want):
        r = torch.zeros_like(leaf) if r is None else r
        a = torch.zeros_like(leaf) if a is None else a
        assert a.dtype == leaf.dtype and a.shape == leaf.shape, (name, a.dtype, a.shape)
        if name in copies:
            terms = [g if g is not None else torch.zeros_like(c)
                     for g, c in zip(rest[:len(copies[name])], copies[name])]
            rest = rest[len(copies[name]):]
            scale = term_scale(terms, leaf.shape)
        elif name == "input_" and input_terms is not None:
            scale = input_terms.abs().double().sum_to_size(leaf.shape)
        else:
            scale = None
        leaf_rel = max(rel, torch.finfo(leaf.dtype).eps)
        assert_close_with_nonfinite(a, r, scale=scale, rel=leaf_rel, name=f"gradient of {name}")
