"""The IPU backend under PopTorch's IPU model: the PopART custom op built from
csrc/ops/ipu with the popc-compiled codelets must give the host backend's
forward results and gradients, for every neuron model, with and without
record_states, and a 2-layer network must train with it under
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


# Every model's layer on [T, N] = [10, 29] inputs (the current first, then its
# parameters and initial states, a per-neuron tensor among them so that
# their order matters), and the keyword that selects spikes-only.
def _layer_inputs(model):
    torch.manual_seed(1)
    T, N = 10, 29
    current = torch.randn(T, N)
    if model == "leaky":
        return ops.lif, (current, torch.rand(N), torch.tensor(0.7), torch.rand(N) * 0.2), \
            "record_mem"
    if model == "synaptic":
        return ops.synaptic, (current, torch.tensor(0.8), torch.rand(N) * 0.9, torch.tensor(0.7),
                              torch.rand(N) * 0.1, torch.rand(N) * 0.2), "record_state"
    if model == "alpha":
        return ops.alpha, (current, torch.tensor(0.9), torch.rand(N) * 0.5, torch.tensor(0.6),
                           torch.rand(N) * 0.1, -torch.rand(N) * 0.1, torch.rand(N) * 0.2), \
            "record_state"
    if model == "rleaky":
        return ops.rleaky, (current, torch.tensor(0.8), torch.rand(N) - 0.5, torch.tensor(0.7),
                            (torch.rand(N) > 0.5).float(), torch.rand(N) * 0.2), "record_state"
    if model == "rsynaptic":
        return ops.rsynaptic, (current, torch.tensor(0.8), torch.rand(N) * 0.9,
                               torch.rand(N) - 0.5, torch.tensor(0.7),
                               (torch.rand(N) > 0.5).float(), torch.rand(N) * 0.1,
                               torch.rand(N) * 0.2), "record_state"
    return ops.lapicque, (current, torch.rand(N) + 1, torch.tensor(0.8), torch.tensor(0.5),
                          torch.tensor(0.6), torch.rand(N) * 0.2), "record_state"


class _Layer(torch.nn.Module):
    def __init__(self, layer, **kwargs):
        super().__init__()
        self.layer, self.kwargs = layer, kwargs

    def forward(self, *inputs):
        return self.layer(*inputs, **self.kwargs)


@pytest.mark.parametrize("record", [True, False], ids=["record_states", "spikes_only"])
@pytest.mark.parametrize("model", ["leaky", "synaptic", "alpha", "lapicque", "rleaky",
                                   "rsynaptic"])
def test_every_model_forward_equals_host(model, record):
    layer, inputs, record_name = _layer_inputs(model)
    kwargs = {record_name: record}
    ipu = poptorch.inferenceModel(_Layer(layer, **kwargs), options=_ipu_model_options())
    outputs = ipu(*inputs)
    ipu.destroy()
    expected = layer(*inputs, **kwargs)
    assert len(outputs) == len(expected)
    torch.testing.assert_close(outputs[0], expected[0], rtol=0, atol=0)
    for got, want in zip(outputs[1:], expected[1:]):
        torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)


class _LayerLoss(torch.nn.Module):
    """A loss on every output of one layer whose inputs are parameters, so
    that one SGD step with lr = 1 reveals their gradients."""

    def __init__(self, layer, inputs, **kwargs):
        super().__init__()
        self.layer, self.kwargs = layer, kwargs
        self.inputs = torch.nn.ParameterList([torch.nn.Parameter(t.clone()) for t in inputs])

    def forward(self, *weights):
        outputs = self.layer(*self.inputs, **self.kwargs)
        loss = sum((out * w).sum() for out, w in zip(outputs, weights))
        return poptorch.identity_loss(loss, reduction="none") if poptorch.isRunningOnIpu() else loss


@pytest.mark.parametrize("record", [True, False], ids=["record_states", "spikes_only"])
@pytest.mark.parametrize("model", ["leaky", "synaptic", "alpha", "lapicque", "rleaky",
                                   "rsynaptic"])
def test_every_model_gradients_equal_host(model, record):
    layer, inputs, record_name = _layer_inputs(model)
    kwargs = {record_name: record}
    shapes = [o.shape for o in layer(*inputs, **kwargs)]
    weights = [torch.randn(shape) * (1.0 if i == 0 else 0.1) for i, shape in enumerate(shapes)]

    host = _LayerLoss(layer, inputs, **kwargs)
    host(*weights).backward()

    ipu_model = _LayerLoss(layer, inputs, **kwargs)
    optimizer = poptorch.optim.SGD(ipu_model.parameters(), lr=1.0, momentum=0.0)
    training = poptorch.trainingModel(ipu_model, options=_ipu_model_options(), optimizer=optimizer)
    training(*weights)
    training.copyWeightsToHost()
    training.destroy()
    for index, (before, after, reference) in enumerate(zip(inputs, ipu_model.inputs, host.inputs)):
        expected = reference.grad if reference.grad is not None else torch.zeros_like(before)
        torch.testing.assert_close(before - after.detach(), expected, rtol=1e-4, atol=1e-5,
                                   msg=lambda m, i=index: f"gradient of input {i}: {m}")


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
