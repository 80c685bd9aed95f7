"""snn_ipu.runtime's backend switch: the "graph" backend runs ops.lif (and
what is built on it) through the graph functions on a GC200 target and the
host executor, bitwise equal to the host backend; per thread, like
debug_mode. (.ci/run also runs part of the snnTorch oracle tests with
SNN_IPU_BACKEND=graph.)"""
import threading

import pytest
import snntorch
import torch

import snn_ipu
from snn_ipu import ops, runtime
from snn_ipu._backends import graph_build

needs_graph = pytest.mark.skipif(
    not graph_build.have_sources() or graph_build.compiler() is None,
    reason="the graph backend is built from the source checkout with a C++ compiler")


def test_the_default_is_host_and_names_are_checked():
    assert runtime.get_backend() == "host"
    with pytest.raises(ValueError, match="'host', 'graph'"):
        runtime.set_backend("ipu")
    with pytest.raises(ValueError):
        with runtime.backend("Graph"):
            pass


def test_backend_is_per_thread_and_nests():
    seen = {}
    with runtime.backend("graph"):
        assert runtime.get_backend() == "graph"
        with runtime.backend("host"):
            assert runtime.get_backend() == "host"
        assert runtime.get_backend() == "graph"
        thread = threading.Thread(target=lambda: seen.update(other=runtime.get_backend()))
        thread.start()
        thread.join()
    assert seen["other"] == "host" and runtime.get_backend() == "host"
    runtime.set_backend("graph")
    try:
        assert runtime.get_backend() == "graph"
        with runtime.backend("host"):
            assert runtime.get_backend() == "host"
    finally:
        runtime.set_backend("host")


def _lif_run(dtype, shared, **kwargs):
    torch.manual_seed(0)
    x = (torch.randn(7, 3, 41) * 1.3 + 0.2).to(dtype).requires_grad_()
    beta = torch.tensor([0.85]) if shared else torch.rand(3, 41) * 0.4 + 0.6
    beta.requires_grad_()
    threshold = torch.full((3, 41), 0.9, requires_grad=True)
    mem0 = torch.randn(3, 41, requires_grad=True)
    spk, mem = ops.lif(x, beta, threshold, mem0, **kwargs)
    (spk.float() * torch.linspace(-1, 1, 41)).sum().backward(retain_graph=True)
    outputs = [spk, x.grad, beta.grad, threshold.grad, mem0.grad]
    if mem is not None:
        outputs.append(mem)
    return outputs


@needs_graph
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
@pytest.mark.parametrize("shared", [True, False])
@pytest.mark.parametrize("kwargs", [{}, {"reset_mechanism": "zero", "record_mem": False},
                                    {"spike_grad": snntorch.surrogate.fast_sigmoid(slope=20),
                                     "reset_delay": False}])
def test_lif_forward_and_backward_are_bitwise_the_host_backend(dtype, shared, kwargs):
    host = _lif_run(dtype, shared, **kwargs)
    with runtime.backend("graph"):
        on_graph = _lif_run(dtype, shared, **kwargs)
    for a, b in zip(host, on_graph):
        assert a.dtype == b.dtype and torch.equal(a, b)


@needs_graph
def test_nn_leaky_runs_on_the_graph_backend():
    x = torch.randn(5, 2, 20)

    def run():
        layer = snn_ipu.nn.Leaky(beta=0.9, learn_beta=True)
        current = x.clone().requires_grad_()
        spk, mem = layer.forward_sequence(current)
        (spk.sum() + mem.sum()).backward()
        return spk, mem, current.grad, layer.beta.grad

    host = run()
    with runtime.backend("graph"):
        on_graph = run()
    for a, b in zip(host, on_graph):
        assert torch.equal(a, b)


@needs_graph
def test_float64_is_refused_with_the_reason():
    from snn_ipu._backends.graph import GraphError
    with runtime.backend("graph"), pytest.raises(GraphError, match="float16 and float32"):
        ops.lif(torch.randn(3, 4, dtype=torch.float64), 0.9)


def test_without_sources_or_a_built_library_the_first_call_says_how_to_get_it(
        monkeypatch, tmp_path):
    from snn_ipu._backends import graph
    monkeypatch.setattr(graph, "_library", None)
    monkeypatch.setattr(graph, "_PACKAGE", tmp_path)  # no libsnn_ipu_graph.so there
    monkeypatch.setenv("SNN_IPU_SOURCE_DIR", str(tmp_path))  # no sources either
    with pytest.raises(graph.GraphError, match="-DSNN_IPU_GRAPH_BACKEND=ON"):
        graph.library()
