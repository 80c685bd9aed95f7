"""Bad input raises a clear Python error naming the argument."""
import numpy as np
import pytest
import torch

import snn_ipu
from snn_ipu import _host
from snn_ipu._lif.models import MODELS
from support.run_counts import runs_during

lif = snn_ipu.ops.lif


def test_rank_zero_input():
    with pytest.raises(ValueError, match=r"input_: .*time dimension.*0-d"):
        lif(torch.tensor(1.0), 0.9)


def test_empty_time_dimension():
    with pytest.raises(ValueError, match=r"input_: the time dimension .* is empty"):
        lif(torch.zeros(0, 4), 0.9)


@pytest.mark.parametrize("dtype", [torch.int64, torch.complex64, torch.bool])
def test_unsupported_dtype(dtype):
    with pytest.raises(TypeError,
                       match=r"input_: expected dtype float16, bfloat16, float32 or float64"):
        lif(torch.zeros(3, 4, dtype=dtype), 0.9)


def test_input_not_a_tensor():
    with pytest.raises(TypeError, match="input_: expected a torch.Tensor"):
        lif([[1.0, 2.0]], 0.9)


@pytest.mark.parametrize("name", ["beta", "threshold", "graded_spikes_factor"])
def test_param_not_broadcastable(name):
    kwargs = {"beta": 0.9, "threshold": 1.0, "graded_spikes_factor": 1.0}
    kwargs[name] = torch.ones(5)
    with pytest.raises(ValueError, match=rf"{name}: shape \(5,\) is not broadcastable to one "
                                         r"time step's shape \(3, 4\)"):
        lif(torch.zeros(2, 3, 4), kwargs.pop("beta"), **_rename(kwargs))


def _rename(kwargs):
    return {"threshold": kwargs["threshold"], "graded_spikes_factor": kwargs["graded_spikes_factor"]}


def test_param_with_more_dims_than_a_step_is_refused():
    with pytest.raises(ValueError, match="beta: shape"):
        lif(torch.zeros(2, 4), torch.full((2, 4), 0.5))  # [T, N] is not one step


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), 1e39])
def test_non_finite_beta(bad):
    # 1e39 is finite in Python but infinite in the float32 the kernels use.
    with pytest.raises(ValueError, match="beta: expected finite values"):
        lif(torch.zeros(2, 3), bad)
    with pytest.raises(ValueError, match="beta: expected finite values"):
        lif(torch.zeros(2, 3), torch.tensor(bad))
    with pytest.raises(ValueError, match="beta: expected finite values"):
        lif(torch.zeros(2, 3), torch.tensor([0.5, bad, 0.5]))


def test_param_wrong_type():
    with pytest.raises(TypeError, match="beta: expected a number or a tensor"):
        lif(torch.zeros(2, 3), "0.9")
    with pytest.raises(TypeError, match="threshold: expected a number or a tensor, got a bool"):
        lif(torch.zeros(2, 3), 0.9, True)


def test_mismatched_mem_shape():
    with pytest.raises(ValueError, match=r"mem: shape \(4, 3\) does not match one time step's "
                                         r"shape \(3, 4\)"):
        lif(torch.zeros(2, 3, 4), 0.9, mem=torch.zeros(4, 3))


def test_mem_not_a_float_tensor():
    with pytest.raises(TypeError, match="mem: expected a floating tensor"):
        lif(torch.zeros(2, 3), 0.9, mem=torch.zeros(3, dtype=torch.int32))


def test_unknown_reset_mechanism():
    with pytest.raises(ValueError, match=r"reset_mechanism: expected 'subtract', 'zero' or "
                                         r"'none', got 'sub'"):
        lif(torch.zeros(2, 3), 0.9, reset_mechanism="sub")


def test_reset_delay_not_bool():
    with pytest.raises(TypeError, match="reset_delay: expected True or False"):
        lif(torch.zeros(2, 3), 0.9, reset_delay="yes")


def test_spike_grad_not_callable():
    with pytest.raises(TypeError, match="spike_grad: expected None or a surrogate"):
        lif(torch.zeros(2, 3), 0.9, spike_grad=2.0)


@pytest.mark.parametrize("n", [0, -1, 2000, 1.5, True, "2", torch.tensor(2.0),
                               torch.tensor(True), np.True_])
def test_bad_num_threads(n):
    with pytest.raises(ValueError, match="num_threads"):
        lif(torch.zeros(2, 3), 0.9, num_threads=n)


@pytest.mark.parametrize("n", [np.int64(2), torch.tensor(2)])
def test_numpy_and_torch_integers_are_thread_counts(n):
    cur = torch.randn(4, 3, 64)  # 2 tiles of 6 workers with 2 threads
    outputs, runs = runs_during(lambda: lif(cur, 0.9, num_threads=n))
    # Two threads ran (a team or the pool), not the calling thread alone.
    assert runs["serial"] == 0 and runs["openmp"] + runs["pool"] == 1
    assert all(torch.equal(a, b) for a, b in zip(outputs, lif(cur, 0.9, num_threads=1)))


def test_zero_size_step_gives_empty_outputs_and_grads():
    cur = torch.zeros(5, 0, 3, requires_grad=True)
    spk, mem = lif(cur, 0.9)
    assert spk.shape == mem.shape == (5, 0, 3)
    (spk.sum() + mem.sum()).backward()
    assert cur.grad.shape == cur.shape


def test_mixed_param_dtypes_are_cast():
    cur = torch.randn(6, 4)
    a = lif(cur, torch.tensor(0.5, dtype=torch.float64), torch.tensor(1, dtype=torch.int64))
    b = lif(cur, 0.5, 1.0)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])


class TestBindingsCheckEverything:
    """The C++ side refuses arrays that do not match, before any kernel runs,
    and allocates the outputs itself. A Leaky layer unless a test says
    otherwise: one state (mem), parameters (decay, threshold, graded)."""

    def _args(self, T=3, N=4, dtype=torch.float32):
        st = torch.float64 if dtype == torch.float64 else torch.float32
        return dict(
            model=0,
            current=(torch.rand(T, N, generator=torch.Generator().manual_seed(0)) * 2)
            .to(dtype).numpy(),
            state_init=[torch.zeros(N, dtype=st).numpy()],
            params=[torch.full((1,), 0.5, dtype=st).numpy(), torch.ones(N, dtype=st).numpy(),
                    torch.ones(1, dtype=st).numpy()],
            record_states=True, reset_mode=0, reset_delay=True)

    @pytest.mark.parametrize("dtype", [torch.float16, torch.float32, torch.float64])
    def test_valid_call_returns_its_outputs(self, dtype):
        spikes, (mem,), (mem_final,) = _host.neuron_forward(**self._args(dtype=dtype))
        state = np.float64 if dtype == torch.float64 else np.float32
        element = torch.empty(0, dtype=dtype).numpy().dtype
        assert spikes.shape == mem.shape == (3, 4) and spikes.dtype == mem.dtype == element
        assert mem_final.shape == (4,) and mem_final.dtype == state
        args = self._args()
        args["record_states"] = False
        assert _host.neuron_forward(**args)[1] is None

    def test_every_model_returns_a_record_per_recorded_state(self):
        for spec in MODELS.values():
            args = self._args()
            args.update(model=spec.id, state_init=None, params=[0.5] * len(spec.params))
            spikes, records, finals = _host.neuron_forward(**args)
            assert len(records) == spec.recorded and len(finals) == len(spec.states)
            assert all(r.shape == (3, 4) for r in records)

    def test_no_initial_states_and_numbers_are_zeros_and_values(self):
        args = self._args()
        arrays = _host.neuron_forward(**args)
        args.update(state_init=None, params=[0.5, 1, 1.0])
        numbers = _host.neuron_forward(**args)
        args.update(state_init=[None])
        absent = _host.neuron_forward(**args)
        for got in (numbers, absent):
            np.testing.assert_array_equal(got[0], arrays[0])
            for a, b in zip(got[1] + got[2], arrays[1] + arrays[2]):
                np.testing.assert_array_equal(a, b)

    @pytest.mark.parametrize("value", [3.4028235e38, 2.0 ** 128 - 2.0 ** 103, 1e39, -1e300])
    def test_number_beyond_float32_rounds_as_torch_does(self, value):
        # The spikes are the graded factor where they fire: each is the
        # number as float32 rounds it (FLT_MAX, or infinity past half an ulp).
        args = self._args()
        args.update(current=np.full((1, 4), 5, np.float32), params=[0.5, 1.0, value])
        spikes = _host.neuron_forward(**args)[0]
        expected = torch.tensor(value, dtype=torch.float32).item()
        assert (spikes == expected).all(), (spikes, expected)

    @pytest.mark.parametrize("field,value,message", [
        ("current", torch.zeros(3, 4, 1).numpy(), r"current: expected a 2-D \[T, N\] array"),
        ("current", torch.zeros(4, 3).numpy().T, "current: expected a C-contiguous array"),
        ("current", torch.zeros(0, 4).numpy(), "current: expected T >= 1 and N >= 1"),
        ("state_init", [torch.zeros(3).numpy()],
         r"state_init\[0\]: expected a 1-D array of 4 elements"),
        ("state_init", [None, None], "state_init: expected 1 entries for this model, got 2"),
        ("params", [torch.zeros(2).numpy(), 1.0, 1.0],
         r"params\[0\]: expected a 1-D array of 4 or 1 elements"),
        ("params", ["0.5", 1.0, 1.0], r"params\[0\]: expected a number or a 1-D array"),
        ("params", [True, 1.0, 1.0], r"params\[0\]: expected a number or a 1-D array"),
        ("params", [0.5, torch.zeros(4, dtype=torch.float64).numpy(), 1.0],
         r"params\[1\]: expected float"),
        ("params", [0.5, 1.0, torch.zeros(1, 1).numpy()], r"params\[2\]: expected a 1-D array"),
        ("params", [0.5, 1.0], "params: expected 3 entries for this model, got 2"),
        ("reset_mode", 3, "reset_mode"),
        ("model", 9, "model: expected a neuron model id"),
    ])
    def test_mismatch_is_refused(self, field, value, message):
        args = self._args()
        args[field] = value
        with pytest.raises((ValueError, TypeError), match=message):
            _host.neuron_forward(**args)

    def test_reset_delay_false_is_refused_for_models_without_it(self):
        args = self._args()
        args.update(model=MODELS["alpha"].id, state_init=None, params=[0.9, 0.5, 2.0, 1.0],
                    reset_delay=False)
        with pytest.raises(ValueError, match="reset_delay: this neuron model has no"):
            _host.neuron_forward(**args)

    def test_byte_swapped_or_misaligned_current_is_refused(self):
        args = self._args()
        args["current"] = args["current"].astype(args["current"].dtype.newbyteorder())
        with pytest.raises(TypeError, match="current: expected elements in this machine's"):
            _host.neuron_forward(**args)
        # float32 elements one byte off their alignment (a view into bytes).
        raw = np.zeros(3 * 4 * 4 + 1, np.uint8)[1:].view(np.float32).reshape(3, 4)
        args["current"] = raw
        with pytest.raises(ValueError, match="current: expected an aligned array"):
            _host.neuron_forward(**args)

    def test_number_beyond_float64_is_a_named_error(self):
        args = self._args()
        args["params"] = [0.5, 1.0, 10 ** 400]
        with pytest.raises(ValueError, match=r"params\[2\]: the number does not fit in a float64"):
            _host.neuron_forward(**args)

    def test_integer_current_is_refused(self):
        args = self._args()
        args["current"] = torch.zeros(3, 4, dtype=torch.int32).numpy()
        with pytest.raises(TypeError, match="current: expected float16, float32 or float64"):
            _host.neuron_forward(**args)

    def test_outputs_too_large_to_address_are_a_memory_error(self):
        # 2^62 steps x 4 neurons x 4 bytes does not fit in 64 bits: refused
        # before any allocation, not wrapped to a small buffer.
        args = self._args()
        args.update(current=torch.zeros(1, 4).numpy(), num_steps=2 ** 62)
        with pytest.raises(MemoryError):
            _host.neuron_forward(**args)

    def _backward_args(self, **changes):
        args = self._args()
        del args["record_states"]
        args.update(grad_spikes=torch.ones(3, 4).numpy(), grad_records=None,
                    grad_state_final=None, state_init_grads=[True], param_grads=True,
                    surrogate=0, surrogate_a=2.0, surrogate_b=0.0)
        args.update(changes)
        return args

    def test_backward_returns_what_was_asked_for(self):
        grad_current, grad_states, grad_params = _host.neuron_backward(**self._backward_args())
        assert grad_current.shape == (3, 4)
        assert [g.shape for g in grad_states + grad_params] == [(4,)] * 4
        none = _host.neuron_backward(**self._backward_args(state_init_grads=[False],
                                                           param_grads=False))
        assert none[1] == [None] and none[2] is None
        np.testing.assert_array_equal(none[0], grad_current)

    def test_backward_numbers_and_no_initial_state_equal_arrays_and_zeros(self):
        arrays = _host.neuron_backward(**self._backward_args(
            params=[np.full(1, 0.5, np.float32), np.full(4, 0.75, np.float32),
                    np.ones(1, np.float32)]))
        numbers = _host.neuron_backward(**self._backward_args(state_init=None,
                                                              params=[0.5, 0.75, 1]))
        np.testing.assert_array_equal(numbers[0], arrays[0])
        for got, expected in zip(numbers[1] + numbers[2], arrays[1] + arrays[2]):
            np.testing.assert_array_equal(got, expected)

    @pytest.mark.parametrize("field,value,message", [
        ("grad_spikes", torch.zeros(3, 5).numpy(), r"grad_spikes: expected shape \(3, 4\)"),
        ("grad_records", [torch.zeros(3, 4, dtype=torch.float64).numpy()],
         r"grad_records\[0\]: expected float"),
        ("grad_records", [None, None], "grad_records: expected 1 entries for this model"),
        ("grad_state_final", [torch.zeros(5).numpy()],
         r"grad_state_final\[0\]: expected a 1-D array of 4"),
        ("state_init_grads", [True, True], "state_init_grads: expected 1 entries"),
        ("surrogate", 99, "surrogate: expected an id"),
    ])
    def test_backward_mismatch_is_refused(self, field, value, message):
        with pytest.raises((ValueError, TypeError), match=message):
            _host.neuron_backward(**self._backward_args(**{field: value}))


def test_record_mem_not_bool():
    with pytest.raises(TypeError, match="record_mem: expected True or False"):
        lif(torch.zeros(2, 3), 0.9, record_mem=None)
