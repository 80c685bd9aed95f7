"""Constants that both languages know: each has one source of truth, and the
other side agrees with it.

The ids, the thread limit and the neuron models' shapes are the C++ kernels'
(csrc/codelets/LifTypes.hpp, csrc/ops/host/HostNeuron.hpp); the host module exports them and the Python side
keeps its own copy for the paths that run without the host module (PopTorch
tracing, the reference path, argument checks). The GC200 figures are the
plan's defaults (csrc/ops/plan/LifPlan.hpp), which the plan command reads
from the host module; they are checked against the datasheet here. The
PopART op's identity is checked in tests/ipu/test_op_contract.py.
"""
from snn_ipu import _host, surrogates
from snn_ipu._counts import MAX_THREADS
from snn_ipu._lif.config import RESET_MODES


def test_reset_mode_ids_agree():
    assert _host.RESET_MODES == RESET_MODES


def test_surrogate_ids_agree():
    assert _host.SURROGATE_IDS == surrogates.SURROGATE_IDS


def test_thread_limit_agrees():
    assert _host.MAX_THREADS == MAX_THREADS
    _host.host_plan(1, 1, "float", num_threads=MAX_THREADS)  # accepted
    try:
        _host.host_plan(1, 1, "float", num_threads=MAX_THREADS + 1)
    except ValueError as err:
        assert f"1 to {MAX_THREADS}" in str(err)
    else:
        raise AssertionError("the host module took more than MAX_THREADS threads")


def test_gc200_is_the_datasheet_and_the_plan_default():
    # GC200 (Mk2 IPU) datasheet: 1472 tiles, 6 worker contexts per tile,
    # 900 MB of In-Processor Memory, 624 KiB per tile; the IPU's register
    # chunk is two neurons (kIpuChunkNeurons).
    assert _host.GC200 == {"num_tiles": 1472, "workers_per_tile": 6,
                           "bytes_per_tile": 624 * 1024, "chunk_neurons": 2}
    plan = _host.plan(25, 128_000)
    assert (plan.num_tiles, plan.workers_per_tile, plan.bytes_per_tile) == (
        1472, 6, 624 * 1024)


def test_neuron_models_agree():
    # The model table of the codelets (csrc/codelets/LifTypes.hpp's
    # modelShape) against the Python side's (snn_ipu/_lif/models.py).
    from snn_ipu._lif.models import MODELS
    assert set(_host.MODELS) == set(MODELS)
    for name, spec in MODELS.items():
        shape = _host.MODELS[name]
        assert shape == {"id": spec.id, "states": len(spec.states),
                         "recorded": spec.recorded, "params": len(spec.params),
                         "reset_delay": spec.reset_delay}, name
