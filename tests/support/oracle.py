"""The oracle: snnTorch 1.0.0's snn.Leaky run step by step."""
import snntorch as snn
import torch

SURROGATE_FACTORIES = {
    "atan": lambda: snn.surrogate.atan(alpha=2.0),
    "atan_alpha3": lambda: snn.surrogate.atan(alpha=3.0),
    "fast_sigmoid": lambda: snn.surrogate.fast_sigmoid(slope=25),
    # slope 5: snnTorch 1.0.0's sigmoid overflows to NaN for slope*x < -88.
    "sigmoid": lambda: snn.surrogate.sigmoid(slope=5),
    "straight_through_estimator": lambda: snn.surrogate.straight_through_estimator(),
    "heaviside": lambda: snn.surrogate.heaviside(),
    "triangular": lambda: snn.surrogate.triangular(threshold=0.5),
    "spike_rate_escape": lambda: snn.surrogate.spike_rate_escape(beta=1.5, slope=10),
    "SFS": lambda: snn.surrogate.SFS(slope=25, B=0.2),
}


def snntorch_lif(cur, beta, threshold=1.0, mem=None, spike_grad=None,
                 reset_mechanism="subtract", reset_delay=True, graded_spikes_factor=1.0):
    """Run snn.Leaky over cur [T, ...]; returns stacked (spk, mem)."""
    lif = snn.Leaky(beta=beta, threshold=threshold, spike_grad=spike_grad,
                    reset_mechanism=reset_mechanism, reset_delay=reset_delay,
                    graded_spikes_factor=graded_spikes_factor)
    snn.SpikingNeuron.instances.clear()  # snnTorch keeps every neuron alive otherwise
    if mem is None:
        mem = torch.zeros_like(cur[0])
    spikes, mems = [], []
    for t in range(cur.shape[0]):
        spk, mem = lif(cur[t], mem)
        spikes.append(spk)
        mems.append(mem)
    return torch.stack(spikes), torch.stack(mems)


def close_to_round_off(actual, expected, rel=2e-6, scale=None):
    """Float32 round-off: elementwise error within `rel` of `scale`, by
    default the largest magnitude in the expected tensor (gradients are sums
    whose order differs between a fused kernel and autograd's graph). For a
    gradient that is a sum with cancellation, pass the sum of the magnitudes
    of its terms as `scale`."""
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    if scale is None:
        scale = expected.abs().max().item() if expected.numel() else 0.0
    tol = rel * max(scale, 1e-30)
    err = (actual.double() - expected.double()).abs().max().item() if expected.numel() else 0.0
    assert err <= tol, f"max error {err:.3e} > {tol:.3e} (scale {scale:.3e})"


class _StableSigmoidSpike(torch.autograd.Function):
    """The Heaviside spike with the sigmoid surrogate in the stable form
    slope*s*(1-s), s = sigmoid(slope*x): snnTorch 1.0.0's own backward,
    slope*exp(-slope*x)/(exp(-slope*x)+1)^2, is inf/inf = NaN for
    slope*x < -88 (a known snnTorch quirk; the kernels use the stable form)."""

    @staticmethod
    def forward(ctx, x, slope):
        ctx.save_for_backward(x)
        ctx.slope = slope
        return (x > 0).float()  # as snnTorch's Sigmoid.forward

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(ctx.slope * x)
        return grad_output * ctx.slope * s * (1 - s), None


def stable_sigmoid(slope):
    """A spike_grad for snn.Leaky: snnTorch's sigmoid without its overflow."""
    return lambda x: _StableSigmoidSpike.apply(x, slope)


def snntorch_lif_terms(cur, beta, threshold, mem=None, spike_grad=None,
                       reset_mechanism="subtract", reset_delay=True, graded_spikes_factor=1.0):
    """snntorch_lif, but every step runs with its own copy of beta, threshold
    and the graded factor (tensors), expanded to one step's shape: the same
    values, so the same results bit for bit. A parameter's gradient is the sum
    of its copies' gradients over steps and neurons; the sum of their
    magnitudes is the round-off scale of that sum (see term_scale).
    Returns (spk, mem, copies), copies = {"beta": [...], "threshold": [...],
    "graded_spikes_factor": [...]}, one tensor per step each."""
    lif = snn.Leaky(beta=beta, threshold=threshold, spike_grad=spike_grad,
                    reset_mechanism=reset_mechanism, reset_delay=reset_delay,
                    graded_spikes_factor=graded_spikes_factor)
    snn.SpikingNeuron.instances.clear()
    params = {"beta": beta, "threshold": threshold, "graded_spikes_factor": graded_spikes_factor}
    copies = {name: [] for name in params}
    if mem is None:
        mem = torch.zeros_like(cur[0])
    spikes, mems = [], []
    for t in range(cur.shape[0]):
        for name, value in params.items():
            copy = value.expand(cur.shape[1:]).clone()
            setattr(lif, name, copy)  # a registered buffer: replaced for this step
            copies[name].append(copy)
        spk, mem = lif(cur[t], mem)
        spikes.append(spk)
        mems.append(mem)
    return torch.stack(spikes), torch.stack(mems), copies


def term_scale(copy_grads, param_shape):
    """Per element of a parameter: the sum of the magnitudes of the terms its
    gradient adds up (the gradients of its per-step copies)."""
    total = sum(g.abs() for g in copy_grads)
    return total.sum_to_size(param_shape) if param_shape != total.shape else total


def exact_graded_gradient(spikes, grad_spikes, graded_shape):
    """dL/dg with reset_delay=False, without snnTorch's cancellation noise.

    snnTorch differentiates S = H*g and do_reset = S/g - R separately; the two
    paths through S/g cancel exactly, but its float32 sum of them leaves noise
    of order ulp(dL/dQ / g) per spike, which can be far above the gradient's
    own round-off (dL/dQ grows with the membrane's gradient). The exact value
    is the sum over steps of dL/dS * H, H = (S != 0) for a finite non-zero g;
    the kernel returns it. Returns (value, scale) in float64: the sum, and
    the sum of its terms' magnitudes, both summed to the parameter's shape."""
    terms = grad_spikes.double() * (spikes != 0).double()
    return terms.sum_to_size(graded_shape), terms.abs().sum_to_size(graded_shape)
