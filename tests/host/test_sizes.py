"""Sizes: the plan's and the host runner's index arithmetic is 64-bit (element
counts above 2^31 and 2^32 are planned, without allocating anything), and
sizes near 2^64 are refused with an error instead of wrapping around."""
import pytest

from snn_ipu import _host


def _assert_ranges_partition(plan):
    """Tiles, then each tile's workers, cover [0, N) in order with no gap or
    overlap, every non-empty block starting on the grain. Checks ranges, not
    neurons, so that it runs for N above 2^32."""
    position = 0
    for tile in range(plan.tiles_used):
        begin, end = plan.tile_range(tile)
        assert begin == position and begin % plan.grain == 0
        assert end - begin <= plan.neurons_per_tile
        inner = begin
        for worker in range(plan.workers_per_tile):
            w_begin, w_end = plan.worker_range(tile, worker)
            assert w_begin == inner <= w_end <= end
            inner = w_end
        assert inner == end
        position = end
    assert position == plan.num_neurons


@pytest.mark.parametrize("num_neurons", [2**31 + 11, 2**32 + 2, 2**33 + 3])
@pytest.mark.parametrize("threads", [1, 2])
def test_host_plan_over_2_pow_31_neurons(num_neurons, threads):
    plan = _host.host_plan(3, num_neurons, "half", num_threads=threads)
    # The runner keeps host tiles at most 2^30 neurons (codelets index a tile
    # with 32-bit unsigned arithmetic).
    assert plan.neurons_per_tile <= 2**30
    assert plan.tiles_used == max(threads, -(-num_neurons // 2**30))
    _assert_ranges_partition(plan)


def test_host_plan_with_more_than_2_pow_32_elements():
    # T * N = 2^33: the backward scratch is sized in 64 bits, exactly.
    plan = _host.host_plan(2**20, 2**13, "float", num_threads=2)
    assert plan.chunk_neurons == 16  # one cache line per row, the minimum
    assert plan.backward_scratch_elements == 6 * 2**20 * 16 * 2
    _assert_ranges_partition(plan)
    # The forward keeps no scratch: its long chunks are planned for any T.
    forward = _host.host_plan(2**20, 2**13, "float", num_threads=2, scratch_planes=0)
    assert forward.chunk_neurons == 684  # a worker's block, below the arrays' 1024
    assert forward.backward_scratch_elements == 0


def test_ipu_plan_over_2_pow_32_neurons():
    plan = _host.plan(2, 2**32 + 5, "float", num_tiles=1472, bytes_per_tile=2**62)
    assert plan.tiles_used * plan.neurons_per_tile >= 2**32 + 5
    _assert_ranges_partition(plan)


@pytest.mark.parametrize("num_steps", [2**40, 2**61, 2**64 - 1])
def test_huge_t_is_refused_with_the_limit(num_steps):
    # T near 2^61 used to wrap T * bytes to 0 and divide by zero (SIGFPE).
    with pytest.raises(ValueError, match="backward scratch of more than 2\\^64|"
                                         "backward scratch of [0-9]+ elements"):
        _host.host_plan(num_steps, 1, "float", num_threads=2)


def test_neuron_count_near_2_pow_64_on_one_tile_is_refused():
    # Rounding a share of 2^64 - 1 neurons up to the grain used to wrap to 0
    # and divide by zero (SIGFPE).
    with pytest.raises(ValueError, match=r"puts 18446744073709551615 neurons on a tile.*2\^31"):
        _host.plan(10, 2**64 - 1, "float", num_tiles=1, bytes_per_tile=2**64 - 1)


@pytest.mark.parametrize("make_plan", [
    lambda: _host.plan(1, 2**64 - 5, "double", num_tiles=2**40, bytes_per_tile=2**64 - 1),
    lambda: _host.host_plan(10, 2**64 - 1, "float", num_threads=2),
])
def test_last_tiles_near_2_pow_64_end_at_n(make_plan):
    # The end of the last tile used to be computed as tiles_used * P, which
    # wraps past 2^64: the last range came out as (begin, 0).
    plan = make_plan()
    n, p, tiles = plan.num_neurons, plan.neurons_per_tile, plan.tiles_used
    last = plan.tile_range(tiles - 1)
    assert last == ((tiles - 1) * p, n)
    assert plan.tile_range(tiles - 2) == ((tiles - 2) * p, (tiles - 1) * p)
    assert plan.worker_range(tiles - 1, plan.workers_per_tile - 1)[1] == n
