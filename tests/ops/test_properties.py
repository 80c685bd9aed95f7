"""Property-based: random T, neuron shapes, options and values (many exactly at
or next to the threshold); the fused op equals snnTorch's Leaky loop."""
import math

import torch
from hypothesis import given
from hypothesis import strategies as st

import snn_ipu
from support.oracle import SURROGATE_FACTORIES, close_to_round_off, snntorch_lif

# Values on a coarse grid make U - threshold exactly 0 often (H is strict).
GRID = [-1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 2.0]


@st.composite
def cases(draw):
    T = draw(st.integers(1, 64))
    shape = draw(st.sampled_from([(1,), (2,), (3,), (7,), (13,), (31,), (1, 1), (2, 5),
                                  (3, 1, 7), (37,), (97,), (4, 33)]))
    on_grid = draw(st.booleans())
    numel = T * math.prod(shape)
    gen = torch.Generator().manual_seed(draw(st.integers(0, 2**31 - 1)))
    if on_grid:
        idx = torch.randint(len(GRID), (numel,), generator=gen)
        cur = torch.tensor(GRID)[idx].reshape(T, *shape)
    else:
        cur = (torch.randn(T, *shape, generator=gen) * draw(st.sampled_from([0.1, 0.5, 2.0]))
               + draw(st.sampled_from([0.0, 0.3, 1.0])))
    threshold = draw(st.sampled_from([0.5, 1.0, 0.25]))
    per_neuron_beta = draw(st.booleans())
    if per_neuron_beta:
        beta = torch.tensor(GRID + [0.9])[torch.randint(11, shape, generator=gen)]
    else:
        beta = draw(st.sampled_from([0.0, 0.5, 0.9, 1.0, 1.5]))
    mem = (torch.tensor(GRID)[torch.randint(len(GRID), shape, generator=gen)]
           if draw(st.booleans()) else None)
    return dict(
        cur=cur, beta=beta, threshold=threshold, mem=mem,
        reset=draw(st.sampled_from(["subtract", "zero", "none"])),
        delay=draw(st.booleans()),
        graded=draw(st.sampled_from([1.0, 0.5, 3.0])),
        surrogate=draw(st.sampled_from(sorted(SURROGATE_FACTORIES))),
        threads=draw(st.sampled_from([1, 2, 7])),
    )


@given(cases())
def test_fused_equals_snntorch(case):
    cur = case["cur"].requires_grad_()
    mem = case["mem"].clone().requires_grad_() if case["mem"] is not None else None
    kwargs = dict(spike_grad=SURROGATE_FACTORIES[case["surrogate"]](),
                  reset_mechanism=case["reset"], reset_delay=case["delay"],
                  graded_spikes_factor=case["graded"])
    spk, m = snn_ipu.ops.lif(cur, case["beta"], case["threshold"], mem,
                             num_threads=case["threads"], **kwargs)
    spk_r, m_r = snntorch_lif(cur, case["beta"], case["threshold"], mem, **kwargs)
    assert torch.equal(spk, spk_r)
    assert torch.equal(m, m_r)

    leaves = [cur] + ([mem] if mem is not None else [])
    w = torch.randn(cur.shape, generator=torch.Generator().manual_seed(3))
    ours = torch.autograd.grad((spk * w).sum() + (m * w.flip(0)).sum(), leaves)
    ref = torch.autograd.grad((spk_r * w).sum() + (m_r * w.flip(0)).sum(), leaves)
    for a, r in zip(ours, ref):
        close_to_round_off(a, r)
