"""float16: the kernel carries the membrane and parameters in float32, so its
results are exactly the float32 kernel's on the same (float16) inputs, rounded
to float16 once at the output. Tolerance: 0 ulp after that rounding; the
parameter gradients (float32) are equal without rounding."""
import pytest
import torch

import snn_ipu
from support.oracle import SURROGATE_FACTORIES, close_to_round_off


@pytest.mark.parametrize("reset,delay", [("subtract", True), ("zero", False), ("none", True)])
@pytest.mark.parametrize("surrogate", ["atan", "sigmoid", "SFS"])
def test_half_is_float32_rounded_once(reset, delay, surrogate):
    T, B, N = 11, 3, 29
    cur16 = (torch.randn(T, B, N) * 0.7 + 0.3).half().requires_grad_()
    cur32 = cur16.detach().float().requires_grad_()
    beta = torch.rand(N, requires_grad=True)
    threshold = torch.tensor(0.8, requires_grad=True)
    mem16 = torch.randn(B, N).half().requires_grad_()
    mem32 = mem16.detach().float().requires_grad_()
    kwargs = dict(spike_grad=SURROGATE_FACTORIES[surrogate](), reset_mechanism=reset,
                  reset_delay=delay, graded_spikes_factor=1.5)

    spk16, m16 = snn_ipu.ops.lif(cur16, beta, threshold, mem16, **kwargs)
    spk32, m32 = snn_ipu.ops.lif(cur32, beta, threshold, mem32, **kwargs)
    assert spk16.dtype == m16.dtype == torch.float16
    assert torch.equal(spk16, spk32.half())
    assert torch.equal(m16, m32.half())

    w = torch.randn(T, B, N).half()
    g16 = torch.autograd.grad((spk16 * w).sum() + (m16 * w).sum(), (cur16, mem16, beta, threshold))
    g32 = torch.autograd.grad((spk32 * w.float()).sum() + (m32 * w.float()).sum(),
                              (cur32, mem32, beta, threshold))
    # The float16 upstream gradients are float16-exact in both runs; the
    # kernel's float32 results are rounded to float16 once for input_ and mem.
    assert torch.equal(g16[0], g32[0].half())
    assert torch.equal(g16[1], g32[1].half())
    # Shared parameters are summed over neurons by autograd in float32 in
    # both runs, on identical per-neuron partials.
    assert torch.equal(g16[2], g32[2]) and torch.equal(g16[3], g32[3])


def test_bfloat16_runs_as_float32_rounded_once():
    """bfloat16 (what a Linear gives under CPU autocast) has no kernels: it
    runs as float32, the outputs rounded to bfloat16 once."""
    T, B, N = 9, 3, 17
    cur = (torch.randn(T, B, N) * 0.7 + 0.3).bfloat16().requires_grad_()
    cur32 = cur.detach().float().requires_grad_()
    spk, mem = snn_ipu.ops.lif(cur, 0.9, 0.8, reset_mechanism="zero")
    spk32, mem32 = snn_ipu.ops.lif(cur32, 0.9, 0.8, reset_mechanism="zero")
    assert spk.dtype == mem.dtype == torch.bfloat16
    assert torch.equal(spk, spk32.bfloat16()) and torch.equal(mem, mem32.bfloat16())
    w = torch.randn(T, B, N).bfloat16()
    (g,) = torch.autograd.grad((spk * w).sum() + (mem * w).sum(), cur)
    (g32,) = torch.autograd.grad((spk32 * w.float()).sum() + (mem32 * w.float()).sum(), cur32)
    assert g.dtype == torch.bfloat16 and torch.equal(g, g32.bfloat16())


def test_fused_model_under_cpu_autocast_matches_the_step_loop():
    import copy

    import snntorch as snn
    from snntorch import utils
    from torch import nn

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), snn.Leaky(beta=0.9, init_hidden=True),
                          nn.Linear(16, 4), snn.Leaky(beta=0.8, init_hidden=True, output=True))
    reference = copy.deepcopy(model)
    x = torch.rand(6, 5, 8) * 2
    with torch.autocast("cpu"):  # bfloat16 Linear outputs
        spk, mem = snn_ipu.fuse(model)(x)
        utils.reset(reference)
        steps = [reference(x_t) for x_t in x]
    spk_r = torch.stack([s for s, _ in steps])
    mem_r = torch.stack([m for _, m in steps])
    # snnTorch computes in float32 (its float32 beta promotes the bfloat16
    # current): the same spikes, and its membrane rounded as ours is. The
    # second Linear runs on the folded [T*B] spikes, where its bfloat16
    # kernel may round otherwise than on [B] (tests/nn/test_fuse.py): equal to
    # a few bfloat16 ulps (2**-8 relative).
    assert torch.equal(spk.float(), spk_r.float())
    close_to_round_off(mem.float(), mem_r.bfloat16().float(), rel=2 ** -6)
