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
