"""Side measurements quoted in RESULTS.md, each timed interleaved in one process.

    python benchmarks/ablations.py          # all parts
    python benchmarks/ablations.py 3 6      # parts 3 and 6 only

1. The seed's training step (fuse, fused Adam) with and without fc2 folded
   into the hidden Leaky's backward (ops.lif_linear).
2. torch's own 256 MiB copy and add on one thread and on two: how far the
   memory system lets a second thread help, for scale against the kernels.
3. Where snn_ipu's [25, 128, 1000] forward + backward goes when each call
   starts with cold caches (the bench's round-robin with snnTorch, the
   compiled loop and a large copy): the two kernel calls against the whole,
   and a torch.autograd.Function that does nothing, with the same inputs and
   outputs as snn_ipu's (NoOpLif), timed in the same round-robin.
4. The kernels against torch's own streaming ops with the data in cache
   ([25, 128000], warm): nanoseconds per element per thread.
5. What one ops.lif forward + backward costs beyond its kernels: a tiny
   layer ([25, 4, 10]) in a warm loop, against the two kernel calls alone.
6. What single small tensor ops cost with cold caches: each timed right
   after a 256 MiB copy (torch.tensor(0.9), torch.zeros(128000), a reshape
   recorded by autograd), the kind of glue made around the kernel calls.
"""
import argparse
import copy
import statistics
import sys
import time

import torch
from snntorch import functional as SF
from torch.autograd.function import once_differentiable

from snn_ipu import ops
from snn_ipu._lif import kernels as _kernels
from snn_ipu.cli import baselines as _baselines
from snn_ipu.cli.measure import CopyProbe, interleaved_medians
from snn_ipu.cli.models import seed_sequential
from snn_ipu.surrogates import DEFAULT as ATAN
from snn_ipu.cli.train import FusedRunner, adam

# ops.lif's kernel settings in the benchmark's workload: subtract reset,
# delayed, atan surrogate, no membrane record.
NO_RECORD = _kernels.KernelConfig(0, True, ATAN.kernel_id, ATAN.a, ATAN.b,
                                  record_states=False)


def fold_on_and_off(repeats=41):
    torch.manual_seed(0)
    seq = seed_sequential(784)
    x, y = torch.rand(128, 1, 784), torch.randint(10, (128,))
    limit = ops.LIF_LINEAR_MAX_OUTPUTS

    def step_of(fold):
        runner = FusedRunner(copy.deepcopy(seq), 25)
        optimizer, loss_fn = adam(runner.model.parameters(), 1e-3), SF.ce_count_loss()

        def step():
            ops.LIF_LINEAR_MAX_OUTPUTS = limit if fold else 0
            loss = loss_fn(runner.spikes(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        return step

    medians = interleaved_medians({"fold": step_of(True), "no fold": step_of(False)},
                                  repeats, warmup=3)
    ops.LIF_LINEAR_MAX_OUTPUTS = limit
    return medians


def copy_thread_scaling(repeats=9):
    src, other, dst = torch.ones(64 << 20), torch.randn(64 << 20), torch.empty(64 << 20)
    threads = torch.get_num_threads()

    def on(n, fn):
        def run():
            torch.set_num_threads(n)
            fn()
        return run

    fns = {f"{op}, {n} thread(s)": on(n, fn) for n in (1, threads)
           for op, fn in (("copy", lambda: dst.copy_(src)),
                          ("add", lambda: torch.add(src, other, out=dst)))}
    medians = interleaved_medians(fns, repeats, warmup=1)
    torch.set_num_threads(threads)
    return medians


def no_op_lif(shape):
    """run(current) -> spikes through NoOpLif: snn_ipu's autograd.Function
    (snn_ipu/_lif/autograd.py, NeuronFunction) with a Leaky layer's inputs
    and outputs and none of its work.
    The outputs are views of arrays made once, as the host module hands back
    arrays from its pool."""
    spikes, mem_final, grad_current = (torch.zeros(s).numpy()
                                       for s in (shape, shape[1:], shape))

    class NoOpLif(torch.autograd.Function):
        @staticmethod
        def forward(ctx, config, current, mem_init, decay, threshold, graded):
            _kernels.save_layer(ctx, current, (mem_init,), (decay, threshold, graded))
            ctx.config = config
            ctx.set_materialize_grads(False)
            return torch.from_numpy(spikes), None, torch.from_numpy(mem_final)

        @staticmethod
        @once_differentiable
        def backward(ctx, grad_spikes, grad_mem, grad_mem_final):
            return None, torch.from_numpy(grad_current), None, None, None, None

    def run(current):
        return NoOpLif.apply(NO_RECORD, current, None, 0.9, 1.0, 1.0)[0]
    return run


def cold_call_breakdown(repeats=25, shape=(25, 128, 1000), compiled=True,
                        copy_bytes=256 << 20):
    """``compiled=False`` leaves out the compiled loop (it compiles for about
    a minute) and ``copy_bytes`` sizes the copy: for quick test runs."""
    warmup = 3
    gen = torch.Generator().manual_seed(0)
    current = torch.randn(shape, generator=gen) * 0.6 + 0.25
    grad = torch.randn(shape, generator=gen)
    kernel_seconds = []
    host = _kernels.require_host()

    class Timed:  # the host module, with its two kernels timed
        def __getattr__(self, name):
            fn = getattr(host, name)
            if not name.startswith("neuron_"):
                return fn

            def timed(*args):
                start = time.perf_counter()
                result = fn(*args)
                kernel_seconds[-1] += time.perf_counter() - start
                return result
            return timed

    def step_of(run):
        x = current.clone().requires_grad_()

        def step():
            x.grad = None
            run(x).backward(grad)
        return step

    ours = step_of(_baselines.fused())
    whole = []

    def timed_ours():
        kernel_seconds.append(0.0)
        start = time.perf_counter()
        ours()
        whole.append(time.perf_counter() - start)

    fns = {"snn_ipu": timed_ours, "no-op autograd.Function": step_of(no_op_lif(shape)),
           "snnTorch": step_of(_baselines.snntorch_leaky()), "copy": CopyProbe(copy_bytes)}
    if compiled:
        fns["compiled"] = step_of(_baselines.compiled_loop())
    require_host = _kernels.require_host
    _kernels.require_host = Timed
    try:
        medians = interleaved_medians(fns, repeats, warmup=warmup)
    finally:
        _kernels.require_host = require_host
    return {"whole call": statistics.median(whole[warmup:]),
            "the two kernels": statistics.median(kernel_seconds[warmup:]),
            "no-op autograd.Function": medians["no-op autograd.Function"]}


def warm_kernels_per_element(repeats=201):
    steps, n = 25, 128000
    threads = torch.get_num_threads()
    x, g = torch.randn(steps, n) * 0.6 + 0.25, torch.randn(steps, n)
    out = torch.empty(steps, n)
    # The layer as ops.lif passes it: no initial membrane, number parameters.
    layer = (x, (None,), (0.9, 1.0, 1.0))
    config = NO_RECORD._replace(num_threads=threads)
    # Through _kernels, as ops.lif calls the host module (its few us of Python
    # per call are well under 1% here). The kernel calls allocate their
    # outputs (from the pool, which hands back the buffer the previous call
    # freed), as in every real call.
    fns = {
        "LIF forward kernel": lambda: _kernels.forward(*layer, config),
        "LIF backward kernel": lambda: _kernels.backward(
            *layer, g, None, (None,), config, param_grads=False, state_grads=(False,)),
        "torch mul": lambda: torch.mul(x, 0.5, out=out),
        "torch add": lambda: torch.add(x, g, out=out),
    }
    medians = interleaved_medians(fns, repeats, warmup=5)
    return {name: t * threads / (steps * n) for name, t in medians.items()}


def small_layer_call_overhead(rounds=7, calls=300):
    shape = (25, 4, 10)
    current = torch.randn(shape).requires_grad_()
    grad = torch.randn(shape)
    host = _kernels.require_host()
    layer = (0, current.detach().numpy().reshape(25, -1), None, [0.9, 1.0, 1.0])
    grad_rows = grad.numpy().reshape(25, -1)
    threads = torch.get_num_threads()

    def through_ops():
        current.grad = None
        spk, _ = ops.lif(current, 0.9, record_mem=False)
        spk.backward(grad)

    def kernels_alone():
        # The host module called directly, not through _kernels.forward and
        # backward as in part 4: their Python (3-5 us a call) is part of the
        # overhead measured here, so it must not be in this baseline.
        host.neuron_forward(*layer, False, 0, True, threads, False, 0, None)
        host.neuron_backward(*layer, grad_rows, None, None, [False], False, 0, True, 0, 2.0,
                             0.0, threads, False, 0, None)

    def best_median(fn):
        # The least disturbed of several medians: the machine is shared.
        for _ in range(calls):
            fn()
        medians = []
        for _ in range(rounds):
            times = []
            for _ in range(calls):
                start = time.perf_counter()
                fn()
                times.append(time.perf_counter() - start)
            medians.append(sorted(times)[calls // 2])
        return min(medians)

    return {"ops.lif forward + backward": best_median(through_ops),
            "the two kernel calls alone": best_median(kernels_alone)}


def cold_small_tensor_ops(repeats=31, copy_bytes=256 << 20):
    x = torch.zeros(25, 128, 1000, requires_grad=True)
    small_ops = {"torch.tensor(0.9)": lambda: torch.tensor(0.9),
                 "torch.zeros(128000)": lambda: torch.zeros(128000),
                 "autograd reshape": lambda: x.reshape(25, -1)}
    flush = CopyProbe(copy_bytes)
    seconds = {name: [] for name in small_ops}

    def after_copy(name, op):
        def run():
            flush()
            start = time.perf_counter()
            result = op()
            seconds[name].append(time.perf_counter() - start)
            del result  # freed after the clock stops: the op's cost alone
        return run

    # Round-robin only for the order (the medians it returns include the copy).
    interleaved_medians({name: after_copy(name, op) for name, op in small_ops.items()},
                        repeats, warmup=1)
    return {name: statistics.median(t[1:]) for name, t in seconds.items()}


PARTS = (("training step, fold of fc2 on and off", fold_on_and_off, "ms"),
         ("torch copy and add, thread scaling", copy_thread_scaling, "ms"),
         ("[25, 128, 1000] forward + backward, cold caches", cold_call_breakdown, "ms"),
         ("[25, 128000] in cache, per element and thread", warm_kernels_per_element, "ns"),
         ("[25, 4, 10] warm, per call", small_layer_call_overhead, "us"),
         ("small tensor ops, each right after a 256 MiB copy", cold_small_tensor_ops, "us"))


def parse_parts(argv=None):
    parser = argparse.ArgumentParser(description="Side measurements quoted in RESULTS.md.")
    parser.add_argument("parts", nargs="*", type=int, metavar="PART",
                        help=f"part numbers to run, 1 to {len(PARTS)} (default: all)")
    parts = parser.parse_args(argv).parts
    bad = [p for p in parts if not 1 <= p <= len(PARTS)]
    if bad:
        parser.error(f"no part {bad[0]}: parts are 1 to {len(PARTS)}")
    return list(dict.fromkeys(parts)) or list(range(1, len(PARTS) + 1))


def main(argv=None):
    parts = parse_parts(argv)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {sys.platform}")
    for number in parts:
        title, fn, unit = PARTS[number - 1]
        medians = fn()
        print(f"{number}. {title}:")
        scale = {"ms": 1e3, "us": 1e6, "ns": 1e9}[unit]
        for name, seconds in medians.items():
            print(f"  {name:<28} {seconds * scale:8.2f} {unit}")


if __name__ == "__main__":
    main()
