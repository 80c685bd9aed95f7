"""The IPU backend under PopTorch's IPU model: the PopART custom op built from
csrc/ops/ipu with the popc-compiled codelets must give the host backend's
forward results and gradients, and a 2-layer network must train with it under
poptorch.trainingModel.

These need the Poplar SDK (PopTorch, PopART, popc) and a build of snn_ipu made
with it enabled; where PopTorch cannot be imported they are skipped, and the
reason is printed in the test summary.
"""
import pytest
import snntorch as snn
import torch

poptorch = pytest.importorskip(
    "poptorch", reason="PopTorch cannot be imported: it comes with the Poplar SDK (source "
    "<sdk>/enable and install its poptorch wheel), so the IPU-model tests cannot run here")

from snn_ipu import ops  # noqa: E402 - after the skip


def _ipu_model_options():
    opts = poptorch.Options()
    opts.useIpuModel(True)
    opts.randomSeed(0)
    return opts


class _Forward(torch.nn.Module):
    def __init__(self, **lif_kwargs):
        super().__init__()
        self.lif_kwargs = lif_kwargs

    def forward(self, current, beta, threshold):
        return ops.lif(current, beta, threshold, **self.lif_kwargs)


@pytest.mark.parametrize("reset,delay", [("subtract", True), ("zero", False), ("none", True)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
def test_forward_equals_host(reset, delay, dtype):
    current = (torch.randn(12, 4, 37) * 0.8).to(dtype)
    beta = torch.rand(4, 37)
    threshold = torch.tensor(0.7)
    kwargs = dict(reset_mechanism=reset, reset_delay=delay, graded_spikes_factor=1.5)
    model = poptorch.inferenceModel(_Forward(**kwargs), options=_ipu_model_options())
    spk, mem = model(current, beta, threshold)
    model.destroy()
    spk_host, mem_host = ops.lif(current, beta, threshold, **kwargs)
    torch.testing.assert_close(spk, spk_host, rtol=0, atol=0)
    torch.testing.assert_close(mem, mem_host, rtol=1e-5, atol=1e-5)


def test_static_input_and_final_membrane_equal_host():
    current = torch.randn(3, 40)
    kwargs = dict(num_steps=9, record_mem=False)
    model = poptorch.inferenceModel(_Forward(**kwargs), options=_ipu_model_options())
    spk, mem_last = model(current, torch.tensor(0.9), torch.tensor(1.0))
    model.destroy()
    spk_host, mem_host = ops.lif(current, 0.9, 1.0, **kwargs)
    torch.testing.assert_close(spk, spk_host, rtol=0, atol=0)
    torch.testing.assert_close(mem_last, mem_host, rtol=1e-5, atol=1e-5)


class _LifLoss(torch.nn.Module):
    """A loss on both outputs of one LIF layer whose inputs are parameters, so
    that one SGD step with lr = 1 reveals their gradients."""

    def __init__(self, current, beta, threshold, **lif_kwargs):
        super().__init__()
        self.current = torch.nn.Parameter(current.clone())
        self.beta = torch.nn.Parameter(beta.clone())
        self.threshold = torch.nn.Parameter(threshold.clone())
        self.lif_kwargs = lif_kwargs

    def forward(self, w_spk, w_mem):
        spk, mem = ops.lif(self.current, self.beta, self.threshold, **self.lif_kwargs)
        loss = (spk * w_spk).sum() + (mem * w_mem).sum()
        # A custom loss is marked for PopTorch; on the host it is returned as is.
        return poptorch.identity_loss(loss, reduction="none") if poptorch.isRunningOnIpu() else loss


@pytest.mark.parametrize("surrogate,reset,delay", [
    (None, "subtract", True),
    (snn.surrogate.fast_sigmoid(slope=10), "zero", False),
    (snn.surrogate.sigmoid(slope=5), "subtract", False),
])
def test_gradients_equal_host(surrogate, reset, delay):
    T, N = 10, 29
    current = torch.randn(T, N)
    beta = torch.tensor(0.85)          # shared: the grad op reduces its partials
    threshold = torch.rand(N) + 0.5    # per neuron
    w_spk, w_mem = torch.randn(T, N), torch.randn(T, N) * 0.1
    kwargs = dict(spike_grad=surrogate, reset_mechanism=reset, reset_delay=delay)

    host = _LifLoss(current, beta, threshold, **kwargs)
    host(w_spk, w_mem).backward()

    model = _LifLoss(current, beta, threshold, **kwargs)
    optimizer = poptorch.optim.SGD(model.parameters(), lr=1.0, momentum=0.0)
    training = poptorch.trainingModel(model, options=_ipu_model_options(), optimizer=optimizer)
    training(w_spk, w_mem)
    training.copyWeightsToHost()
    training.destroy()
    for name, before in (("current", current), ("beta", beta), ("threshold", threshold)):
        ipu_grad = before - getattr(model, name).detach()
        torch.testing.assert_close(ipu_grad, getattr(host, name).grad, rtol=1e-4, atol=1e-5,
                                   msg=lambda m, name=name: f"gradient of {name}: {m}")


class _TwoLayers(torch.nn.Module):
    def __init__(self, inputs=20, hidden=32, classes=4):
        super().__init__()
        self.fc1 = torch.nn.Linear(inputs, hidden)
        self.fc2 = torch.nn.Linear(hidden, classes)

    def forward(self, x, labels):
        spk1, _ = ops.lif(self.fc1(x), 0.9)
        spk2, _ = ops.lif(self.fc2(spk1), 0.9)
        counts = spk2.sum(0)
        return counts, torch.nn.functional.cross_entropy(counts, labels)


def test_two_layer_network_trains():
    torch.manual_seed(0)
    classes, batch, steps = 4, 16, 15
    prototypes = torch.rand(classes, 20) * 2
    labels = torch.arange(batch) % classes
    x = (prototypes[labels] + 0.1 * torch.randn(batch, 20)).expand(steps, batch, 20).contiguous()
    model = _TwoLayers()
    optimizer = poptorch.optim.Adam(model.parameters(), lr=2e-2)
    training = poptorch.trainingModel(model, options=_ipu_model_options(), optimizer=optimizer)
    losses = [float(training(x, labels)[1]) for _ in range(40)]
    training.destroy()
    assert all(torch.isfinite(torch.tensor(losses)))
    assert sum(losses[-5:]) / 5 < 0.8 * sum(losses[:5]) / 5, losses
