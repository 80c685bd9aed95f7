"""The kernels' gradients carry no graph of their own: differentiating them
again raises an error instead of silently treating them as constants (which
would drop the second-order terms through the upstream gradient). Both
autograd front ends: the torch.library custom op (torch >= 2.4) and the
torch.autograd.Function (older torch, e.g. PopTorch's 2.0)."""
import pytest
import torch

import snn_ipu

def test_second_derivative_raises_a_clear_error(front_end):
    cur = torch.randn(6, 4, requires_grad=True)
    w = torch.randn(6, 4, requires_grad=True)
    spk, mem = snn_ipu.ops.lif(cur, 0.9)
    # d/dcur of sum(w * mem) is linear in w: a real function of w.
    (grad,) = torch.autograd.grad((mem * w).sum(), cur, create_graph=True)
    with pytest.raises(RuntimeError, match="once_differentiable|no autograd formula"):
        grad.sum().backward()


def test_first_derivative_with_create_graph_still_works(front_end):
    cur = torch.randn(6, 4, requires_grad=True)
    spk, mem = snn_ipu.ops.lif(cur, 0.9)
    (grad,) = torch.autograd.grad(mem.sum(), cur, create_graph=True)
    (plain,) = torch.autograd.grad(snn_ipu.ops.lif(cur, 0.9)[1].sum(), cur)
    assert torch.equal(grad, plain)
