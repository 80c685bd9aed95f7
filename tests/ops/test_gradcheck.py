"""torch.autograd.gradcheck of the backward kernel (float64 instantiation).

The real forward spike is the Heaviside step, whose derivative is zero almost
everywhere, so finite differences of the fused op cannot see a surrogate. A
smooth surrogate, though, is the exact derivative of its primitive sigma:
with reset_delay=True the membrane does not depend on the spikes, so the model
whose spikes are g*sigma(U - th) has the same states, and its exact Jacobian
is what the backward kernel computes. Here the forward is that smooth model
(plain PyTorch, float64) and the backward is the kernel; gradcheck compares the
kernel with finite differences for input_, mem, beta and threshold.
"""
import math

import pytest
import torch

from snn_ipu import _host
from snn_ipu.surrogates import SURROGATE_IDS

RESET_IDS = {"subtract": 0, "zero": 1, "none": 2}

# surrogate -> (primitive sigma(x; a, b), a, b); sigma' is the surrogate.
PRIMITIVES = {
    "atan": (lambda x, a, b: torch.atan(math.pi / 2 * a * x) / math.pi + 0.5, 2.0, 0.0),
    "fast_sigmoid": (lambda x, a, b: x / (1 + a * x.abs()), 25.0, 0.0),
    "sigmoid": (lambda x, a, b: torch.sigmoid(a * x), 5.0, 0.0),
    "straight_through_estimator": (lambda x, a, b: x, 0.0, 0.0),
    "spike_rate_escape": (
        lambda x, a, b: torch.where(x < 1, (b / a) * torch.exp(a * (x - 1)),
                                    2 * b / a - (b / a) * torch.exp(-a * (x - 1))),
        1.5, 10.0),
}


def smooth_lif_function(surrogate, reset):
    sigma, a, b = PRIMITIVES[surrogate]
    surrogate_id = SURROGATE_IDS[surrogate]
    reset_id = RESET_IDS[reset]

    class SmoothLif(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, mem0, beta, threshold, graded):
            u = mem0
            spikes, mems = [], []
            for xt in x.unbind(0):
                r = (u - threshold > 0).double()
                if reset == "subtract":
                    u = beta * u + xt - r * threshold
                elif reset == "zero":
                    u = beta * ((1 - r) * u) + xt
                else:
                    u = beta * u + xt
                spikes.append(graded * sigma(u - threshold, a, b))
                mems.append(u)
            ctx.save_for_backward(x, mem0, beta, threshold, graded)
            return torch.stack(spikes), torch.stack(mems)

        @staticmethod
        def backward(ctx, g_spk, g_mem):
            x, mem0, beta, threshold, graded = ctx.saved_tensors
            gx, (g_mem0,), (g_beta, g_th, _) = _host.neuron_backward(
                0, x.numpy(), [mem0.numpy()], [beta.numpy(), threshold.numpy(), graded.numpy()],
                g_spk.contiguous().numpy(), [g_mem.contiguous().numpy()], None, [True], True,
                reset_id, True, surrogate_id, a, b, 2, False, 0)
            return tuple(map(torch.from_numpy, (gx, g_mem0, g_beta, g_th))) + (None,)

    return SmoothLif.apply


@pytest.mark.parametrize("reset", ["subtract", "zero", "none"])
@pytest.mark.parametrize("surrogate", sorted(PRIMITIVES))
def test_backward_kernel_passes_gradcheck(surrogate, reset):
    gen = torch.Generator().manual_seed(7)
    T, N = 7, 13
    x = (torch.randn(T, N, generator=gen, dtype=torch.float64) * 0.6 + 0.4).requires_grad_()
    mem0 = (torch.randn(N, generator=gen, dtype=torch.float64) * 0.5).requires_grad_()
    beta = (torch.rand(N, generator=gen, dtype=torch.float64) * 0.8 + 0.1).requires_grad_()
    threshold = (torch.rand(N, generator=gen, dtype=torch.float64) * 0.5 + 0.6).requires_grad_()
    graded = torch.rand(N, generator=gen, dtype=torch.float64) + 0.5
    fn = smooth_lif_function(surrogate, reset)
    # The case must exercise resets, so that the reset terms are checked too.
    with torch.no_grad():
        _, mems = fn(x, mem0, beta, threshold, graded)
        assert (mems > threshold).any()
    assert torch.autograd.gradcheck(fn, (x, mem0, beta, threshold, graded), eps=1e-6,
                                    atol=1e-6, rtol=1e-5)


# The other models, written out here as plain float64 steps of their
# integration and reset (shared/NEURONS.md), with the smooth spike
# sigma(mem - th) in place of the Heaviside one. r is the detached reset.
def _synaptic(x, states, params, r, reset):
    (syn, mem), (alpha, beta, threshold) = states, params
    syn = alpha * syn + x
    new = beta * mem + syn
    if reset == "subtract":
        new = new - r * threshold
    elif reset == "zero":
        new = new - new * r
    return new, (syn, new)


def _alpha(x, states, params, r, reset):
    # The membrane is not recurrent: the previous one only sets r.
    (exc, inh, _), (alpha, beta, tau, threshold) = states, params
    new_exc, new_inh = alpha * exc + x, beta * inh - x
    new_mem = tau * (new_exc + new_inh)
    if reset == "subtract":
        new_exc, new_inh = new_exc - threshold * r, new_inh - new_inh * r
        new_mem = new_mem + inh * r
    elif reset == "zero":
        new_exc, new_inh, new_mem = new_exc * (1 - r), new_inh * (1 - r), new_mem * (1 - r)
    return new_mem, (new_exc, new_inh, new_mem)


def _lapicque(x, states, params, r, reset):
    (mem,), (resistance, inverse_tau, time_step, keep, threshold) = states, params
    base = x * resistance * inverse_tau * time_step + keep * mem
    if reset == "subtract":
        base = base - r * threshold
    elif reset == "zero":
        base = base - r * base
    return base, (base,)


# One-to-one recurrence: the carried spike's value is the Heaviside spike,
# as in the kernels. Finite differences cannot see its surrogate gradient, so
# these run with V = 0 (the feedback term's gradients, V's included, are
# then exact; the carried spike's surrogate path is checked against
# snnTorch's autograd in test_neuron_models.py).
def _rleaky(x, states, params, r, reset):
    (mem, spk), (beta, V, threshold) = states, params
    base = (beta * mem + x) + spk * V
    if reset == "subtract":
        base = base - r * threshold
    elif reset == "zero":
        base = base - r * base
    return base, (base, (base - threshold > 0).double())


def _rsynaptic(x, states, params, r, reset):
    (syn, mem, spk), (alpha, beta, V, threshold) = states, params
    syn = (alpha * syn + x) + spk * V
    new = beta * mem + syn
    if reset == "subtract":
        new = new - r * threshold
    elif reset == "zero":
        new = new - new * r
    return new, (syn, new, (new - threshold > 0).double())


# model -> (id, step, the parameters: (low, high) of a random per-neuron value)
SMOOTH_MODELS = {
    "synaptic": (1, _synaptic, [(0.5, 0.9), (0.6, 0.9), (0.6, 1.1)]),
    "alpha": (2, _alpha, [(0.85, 0.95), (0.5, 0.8), (1.5, 3.0), (0.3, 0.6)]),
    # Constants of order 1 (not a real RC's k = 40/s, dt = 1 ms), so that the
    # finite differences see every input with one step size.
    "lapicque": (3, _lapicque, [(0.5, 1.5), (0.5, 1.5), (0.5, 1.5), (0.6, 0.9), (0.6, 1.1)]),
    "rleaky": (4, _rleaky, [(0.6, 0.9), (0.0, 0.0), (0.6, 1.1)]),
    "rsynaptic": (5, _rsynaptic, [(0.5, 0.9), (0.6, 0.9), (0.0, 0.0), (0.6, 1.1)]),
}
# Per model: which state is the membrane (the reset's), and how many states
# are recorded (the others are outputs of the forward only as final states).
MEMBRANE = {"rleaky": 0, "rsynaptic": 1}
RECORDED = {"rleaky": 1, "rsynaptic": 2}


def smooth_model_function(model, surrogate, reset):
    sigma, a, b = PRIMITIVES[surrogate]
    model_id, step, _ = SMOOTH_MODELS[model]

    class Smooth(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, *layer):
            states_n = len(layer) - len(SMOOTH_MODELS[model][2])
            states, params = tuple(layer[:states_n]), tuple(layer[states_n:])
            threshold = params[-1]
            spikes, records = [], []
            current = states
            for xt in x.unbind(0):
                r = (current[MEMBRANE.get(model, -1)] - threshold > 0).double()
                mem, current = step(xt, current, params, r, reset)
                spikes.append(sigma(mem - threshold, a, b))
                records.append(current[:RECORDED.get(model, len(current))])
            ctx.save_for_backward(x, *states, *params)
            ctx.states_n = states_n
            return (torch.stack(spikes),) + tuple(torch.stack(s) for s in zip(*records))

        @staticmethod
        def backward(ctx, g_spk, *g_records):
            x, *layer = ctx.saved_tensors
            states, params = layer[:ctx.states_n], layer[ctx.states_n:]
            gx, g_states, g_params = _host.neuron_backward(
                model_id, x.numpy(), [s.numpy() for s in states], [p.numpy() for p in params],
                g_spk.contiguous().numpy(), [g.contiguous().numpy() for g in g_records], None,
                [True] * len(states), True, RESET_IDS[reset], True, SURROGATE_IDS[surrogate],
                a, b, 1, False, 0)
            return tuple(torch.from_numpy(g) for g in [gx] + g_states + g_params)

    return Smooth.apply


@pytest.mark.parametrize("model,surrogate,reset", [
    (model, "atan", reset) for model in sorted(SMOOTH_MODELS)
    for reset in ("subtract", "zero", "none")] + [
    (model, "sigmoid", "subtract") for model in sorted(SMOOTH_MODELS)])
def test_model_backward_kernels_pass_gradcheck(model, surrogate, reset):
    gen = torch.Generator().manual_seed(11)
    T, N = 6, 5
    states_n = {"synaptic": 2, "alpha": 3, "lapicque": 1, "rleaky": 2, "rsynaptic": 3}[model]
    x = torch.randn(T, N, generator=gen, dtype=torch.float64) * 0.6 + 0.5
    states = [torch.randn(N, generator=gen, dtype=torch.float64) * 0.5 for _ in range(states_n)]
    if model in MEMBRANE:  # the carried spike starts as a spike
        states[-1] = (states[-1] > 0).double()
    params = [torch.rand(N, generator=gen, dtype=torch.float64) * (high - low) + low
              for low, high in SMOOTH_MODELS[model][2]]
    inputs = [t.requires_grad_() for t in [x] + states + params]
    fn = smooth_model_function(model, surrogate, reset)
    with torch.no_grad():  # resets must happen, so that their terms are checked too
        mem = fn(*inputs)[1 + MEMBRANE.get(model, states_n - 1)]
        assert (mem > params[-1]).any()
    assert torch.autograd.gradcheck(fn, tuple(inputs), eps=1e-6, atol=1e-6, rtol=1e-5)
