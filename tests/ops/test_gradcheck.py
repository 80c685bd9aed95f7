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
