"""The tile/worker plan (pure C++, shared by the host runner and the IPU glue)."""
import pytest

from snn_ipu import _host
from snn_ipu._lif.models import MODELS

GC200 = dict(num_tiles=1472, workers_per_tile=6, bytes_per_tile=624 * 1024)


def _owners(plan):
    """Every (tile, worker) range of the plan, absolute neuron indices."""
    return [plan.worker_range(tile, w) for tile in range(plan.tiles_used)
            for w in range(plan.workers_per_tile)]


def _assert_partition(plan):
    owner = [0] * plan.num_neurons
    for begin, end in _owners(plan):
        assert 0 <= begin <= end <= plan.num_neurons
        if begin < end:
            assert begin % plan.grain == 0  # word (64-bit) aligned blocks
        for i in range(begin, end):
            owner[i] += 1
    assert all(count == 1 for count in owner), "every neuron owned by exactly one worker"
    tiles = [plan.tile_range(t) for t in range(plan.tiles_used)]
    assert tiles[0][0] == 0 and tiles[-1][1] == plan.num_neurons
    assert all(a[1] == b[0] for a, b in zip(tiles, tiles[1:]))
    assert all(begin % plan.grain == 0 for begin, _ in tiles)


@pytest.mark.parametrize("num_neurons", [1, 2, 3, 7, 13, 97, 1471, 1472, 1473, 8191, 128000])
@pytest.mark.parametrize("dtype,grain", [("half", 4), ("float", 2), ("double", 1)])
def test_every_neuron_owned_by_one_worker(num_neurons, dtype, grain):
    plan = _host.plan(25, num_neurons, dtype, num_tiles=97, workers_per_tile=6,
                      bytes_per_tile=1 << 40)
    assert plan.grain == grain
    _assert_partition(plan)


def test_more_tiles_and_workers_than_neurons():
    plan = _host.plan(3, 5, "float", **GC200)
    assert plan.tiles_used == 3  # 2 neurons (one grain) per tile
    _assert_partition(plan)


def test_seed_layer_fits_gc200():
    # The seed's hidden layer: T=25, batch 128 x 1000 neurons, float32.
    plan = _host.plan(25, 128 * 1000, "float", **GC200)
    assert plan.workers_per_tile == 6
    assert plan.tiles_used <= 1472
    assert plan.neurons_per_tile == 88  # ceil(128000 / 1472) = 87, rounded to the grain
    assert plan.forward_bytes_per_tile <= 624 * 1024
    assert plan.backward_bytes_per_tile <= 624 * 1024
    assert plan.chunk_neurons == 2  # the IPU's two-neuron register chunks
    # Rows of current, gradients; per-neuron vectors; edge pointers; scratch.
    assert plan.backward_bytes_per_tile == (25 * 88 * 4 * 4 + 88 * 9 * 4 + 25 * 4 * 4
                                            + 6 * 25 * 2 * 2 * 4)
    assert plan.forward_bytes_per_tile == 25 * 88 * 4 * 3 + 88 * 5 * 4 + 25 * 3 * 4
    _assert_partition(plan)


def test_one_time_step_and_large_t():
    _assert_partition(_host.plan(1, 1000, "float", **GC200))
    plan = _host.plan(2000, 1472 * 2, "half", **GC200)
    assert plan.neurons_per_tile == 4
    assert plan.backward_bytes_per_tile <= 624 * 1024


def test_layer_too_large_for_a_tile_is_refused_naming_the_limit():
    with pytest.raises(ValueError, match=r"per tile.*limit is 624 KiB"):
        _host.plan(100000, 1472 * 64, "float", **GC200)


def test_more_than_2_pow_31_elements_plans_without_allocating():
    plan = _host.plan(1000, 2**31 + 11, "float", num_tiles=1472, workers_per_tile=6,
                      bytes_per_tile=1 << 62)
    assert plan.tiles_used * plan.neurons_per_tile >= 2**31 + 11
    last = plan.tile_range(plan.tiles_used - 1)
    assert last[1] == 2**31 + 11
    assert plan.worker_range(plan.tiles_used - 1, 5)[1] == 2**31 + 11


def test_bad_plan_arguments():
    with pytest.raises(ValueError, match="time dimension is empty"):
        _host.plan(0, 10)
    with pytest.raises(ValueError, match="no neurons"):
        _host.plan(10, 0)
    with pytest.raises(ValueError, match="numTiles"):
        _host.plan(10, 10, num_tiles=0)
    with pytest.raises(ValueError, match="dtype"):
        _host.plan(10, 10, "bfloat16")


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_host_plan_one_contiguous_tile_per_thread(threads):
    plan = _host.host_plan(25, 128000, "float", num_threads=threads)
    assert plan.tiles_used == threads
    _assert_partition(plan)


def test_host_chunks_fit_the_scratch_budget():
    # Long rows per step, and the backward's T x chunk membranes (two planes)
    # within 512 KiB.
    assert _host.host_plan(25, 128000, "float").chunk_neurons == 1024
    assert _host.host_plan(100, 262144, "float").chunk_neurons == 640
    assert _host.host_plan(10000, 262144, "float").chunk_neurons == 16  # a line minimum
    assert _host.host_plan(100, 5, "float").chunk_neurons == 2  # no wider than a block
    for T in (1, 25, 100, 1000):
        plan = _host.host_plan(T, 10**6, "double")
        assert plan.backward_scratch_elements * 8 <= 6 * max(512 * 1024, T * 64 * 2)


def test_host_chunks_follow_the_planes_each_direction_keeps():
    # The forward keeps no scratch: the longest chunk whatever T. The
    # backward's is sized by the planes its recompute stores: Alpha (three
    # states and E + I) stores four with the parameters' gradients (320 x 100
    # steps x 4 planes x 4 bytes within 512 KiB) and its membrane alone
    # without them (1024, the arrays' most).
    alpha = MODELS["alpha"].id
    assert _host.host_plan(100, 262144, "float", model=alpha).max_saved_planes == 4
    assert _host.host_plan(100, 262144, "float", model=alpha).chunk_neurons == 320
    assert _host.host_plan(100, 262144, "float", model=alpha, scratch_planes=4).chunk_neurons == 320
    assert _host.host_plan(100, 262144, "float", model=alpha, scratch_planes=1).chunk_neurons == 1024
    assert _host.host_plan(400, 262144, "float", model=alpha, scratch_planes=1).chunk_neurons == 320
    for T in (1, 100, 10000):
        assert _host.host_plan(T, 262144, "float", model=alpha, scratch_planes=0).chunk_neurons == 1024
        assert _host.host_plan(T, 262144, "double", model=alpha, scratch_planes=0).chunk_neurons == 512
    with pytest.raises(ValueError, match="5 scratch planes, more than the model saves"):
        _host.host_plan(100, 1000, "float", model=alpha, scratch_planes=5)
