"""``python -m snn_ipu bench``: a neuron layer's forward + backward, snn_ipu
against the others (``--model``: leaky, the default, synaptic, alpha,
lapicque, or rleaky and rsynaptic with one-to-one recurrence, or with
``--recurrent linear`` an all-to-all Linear recurrence, timed against its
matrix products alone).

For each [T, B, N] shape, on one current and one upstream spike gradient:
checks that snn_ipu equals snnTorch (spikes bitwise, input gradient to float32
round-off; for float16, the kernel in float16 against snnTorch in float32 on
the same values, rounded to float16 as the kernels round, the gradient to
2e-3 as in the tests), then times forward + backward of every installed
implementation and a large memory copy, round-robin (median of --repeats), and reports ms,
ratio to snn_ipu, achieved GB/s counting the minimal 20 bytes per fp32
element (read the current, write spikes; read the spike gradient and the
current, write the current's gradient), its fraction of the copy bandwidth
timed alongside, and peak extra memory in MiB and in units of one [T, B, N]
fp32 tensor (a ratio that allocation granularity dominates in small layers:
marked for layers under 1 MiB per fp32 tensor). The ``floor`` baseline,
"memory passes alone", is that minimal traffic and nothing else, as two torch
elementwise ops into kept buffers (baselines.memory_passes_alone): how fast
a layer that makes those passes with ordinary stores could be on this
machine (its peak memory is 0: its buffers are made before it is measured).
With --recurrent linear the floor is the matrix products alone instead.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics

import torch

from .._backends.host import require_host
from . import baselines as _baselines
from .errors import CommandError
from .args import add_threads, non_negative_int, positive_int, use_threads
from .measure import CopyProbe, Progress, interleaved_medians, peak_tensor_bytes

DEFAULT_SHAPES = "25,128,1000;100,64,4096"
QUICK_SHAPES = "25,32,256;50,16,1024"
MINIMAL_BYTES_PER_ELEMENT = 5  # x element size: 20 bytes per fp32 element


def parse_shapes(text: str):
    """--shapes: ';'-separated shapes, each T,B,N (or T,N, T,B,C,N...) of
    positive integers."""
    shapes = []
    for part in text.split(";"):
        try:
            dims = tuple(int(d) for d in part.split(",") if d.strip())
        except ValueError:
            dims = ()
        if len(dims) < 2 or any(d < 1 for d in dims):
            where = "" if part == text else f" in {text!r}"
            raise argparse.ArgumentTypeError(
                f"expected ';'-separated shapes T,B,N of positive integers "
                f"(e.g. {DEFAULT_SHAPES}), got {part!r}{where}")
        shapes.append(dims)
    return shapes


BASELINES = ("snntorch", "plain", "spikingjelly", "floor")
# The floor row (baselines.memory_passes_alone): the minimal traffic alone.
FLOOR = "memory passes alone"


def parse_baselines(text: str) -> frozenset:
    """--baselines: comma-separated names from BASELINES, or "none"."""
    names = {name.strip() for name in text.split(",") if name.strip()}
    if names == {"none"}:
        return frozenset()
    unknown = sorted(names - set(BASELINES))
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"expected 'none' or names from {', '.join(BASELINES)}, "
            f"got {text!r}")
    return frozenset(names)


def print_machine(machine: dict) -> None:
    print(f"machine: {machine['cpu']}, {machine['torch_threads']} threads, torch {machine['torch']}")


def write_report(path: str, args, report: dict) -> None:
    """Writes ``report`` as JSON to ``path``, headed by the command line that
    made it (``python -m snn_ipu <command> ...``, quoted as a shell would
    need it), from the arguments ``python -m snn_ipu`` parsed."""
    command = shlex.join(["python", "-m", "snn_ipu", *getattr(args, "argv", [args.command])])
    report = {"command": command, **report}
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as out:
        json.dump(report, out, indent=2)
    print(f"wrote {path}")


def machine_description() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "logical_cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "platform": platform.platform(),
    }


def implementations(args):
    model = args.model
    if args.recurrent == "linear":
        # The Linear recurrence: snn_ipu's steps, snnTorch's loop, and the
        # floor set by the layer's matrix products alone.
        impls = {"snn_ipu": _baselines.fused_all_to_all(model)}
        if "snntorch" in args.baselines:
            impls[f"snnTorch {_baselines.SNNTORCH_CLASS[model]} loop"] = (
                _baselines.snntorch_all_to_all(model))
        impls["matmuls alone"] = _baselines.matmuls_alone(model)
        return impls
    impls = {"snn_ipu": _baselines.fused(args.threads, model)}
    if args.one_thread:
        # Thread scaling, timed in the same round-robin: its "x snn_ipu" is
        # how much faster the default thread count is than one thread.
        impls["snn_ipu, 1 thread"] = _baselines.fused(1, model)
    if "snntorch" in args.baselines:
        impls[f"snnTorch {_baselines.SNNTORCH_CLASS[model]} loop"] = (
            _baselines.snntorch_loop(model))
    if "plain" in args.baselines:
        impls["plain PyTorch loop"] = _baselines.plain_loop(model)
    if args.compile:
        impls["torch.compile(plain loop)"] = _baselines.compiled_loop(model)
    if "spikingjelly" in args.baselines and model == "leaky":
        jelly = _baselines.spikingjelly()
        if jelly is not None:
            impls["SpikingJelly LIFNode"] = jelly
    if "floor" in args.baselines:
        impls[FLOOR] = _baselines.memory_passes_alone()
    return impls


# Relative tolerance of the input gradient against snnTorch's, per dtype:
# float32 round-off; for float16 both sides round a float32 result to
# float16 once, which may fall on either side (tests/lif_compare.py).
CHECK_REL_TOL = {torch.float32: 1e-5, torch.float16: 2e-3}


def _snntorch_reference(model):
    """snnTorch's loop of the model as snn_ipu's exact reference path runs it
    (snn_ipu/_lif/reference.py): a float16 current in float32, the spikes
    rounded to float16, as the kernels carry the state in float32 and round
    once. Its gradient comes back through the casts, rounded to the
    current's dtype."""
    loop = _baselines.snntorch_loop(model)

    def run(current):
        return loop(current.float()).to(current.dtype)

    return run


def check_correctness(current, grad_spikes, model="leaky", recurrent="one-to-one"):
    """snn_ipu against snnTorch on the benchmarked inputs, in their dtype."""
    results = []
    runs = ((_baselines.fused_all_to_all(model), _baselines.snntorch_all_to_all(model))
            if recurrent == "linear" else
            (_baselines.fused(model=model), _snntorch_reference(model)))
    for run in runs:
        x = current.detach().clone().requires_grad_()
        spk = run(x)
        spk.backward(grad_spikes)
        results.append((spk.detach(), x.grad))
    (spk, grad), (spk_ref, grad_ref) = results
    if spk.dtype != current.dtype or grad.dtype != current.dtype:
        raise AssertionError(f"snn_ipu returned {spk.dtype} spikes and a {grad.dtype} "
                             f"gradient for a {current.dtype} current")
    if not torch.equal(spk, spk_ref):
        raise AssertionError("snn_ipu spikes differ from snnTorch's on the benchmark input")
    err = (grad.double() - grad_ref.double()).abs().max().item()
    scale = grad_ref.abs().max().item()
    if err > CHECK_REL_TOL[current.dtype] * max(scale, 1e-30):
        raise AssertionError(f"snn_ipu input gradient differs from snnTorch's by {err:.3e}")
    return err / max(scale, 1e-30)


COPY = "(memory copy)"


def bench_shape(shape, impls, args, progress, copy_probe):
    dtype = getattr(torch, args.dtype)
    gen = torch.Generator().manual_seed(0)
    current = (torch.randn(shape, generator=gen) * 0.6 + 0.25).to(dtype)
    grad_spikes = torch.randn(shape, generator=gen).to(dtype)
    elements = current.numel()
    rel_err = (check_correctness(current, grad_spikes, args.model, args.recurrent)
               if args.check else None)

    steps, inputs = {}, {}
    for name, run in impls.items():
        x = inputs[name] = current.detach().clone().requires_grad_()

        def step(x=x, run=run):
            x.grad = None
            run(x).backward(grad_spikes)

        steps[name] = step
    # Round-robin, the memory copy included, so that every implementation and
    # the copy bandwidth they are compared with see the same machine: a shared
    # VM's bandwidth changes from run to run (benchmarks/RESULTS.md), and one
    # slow minute would otherwise land on one of them only.
    steps[COPY] = copy_probe
    seconds = interleaved_medians(steps, args.repeats, warmup=args.warmup,
                                  on_round=lambda: progress.step(f"{shape}"))
    copy_gbps = copy_probe.bytes_moved / seconds.pop(COPY) / 1e9
    del steps[COPY]
    rows = []
    for name, step in steps.items():
        inputs[name].grad = None  # what the step frees first is not a saving
        peak = peak_tensor_bytes(step)
        rows.append({
            "implementation": name,
            "model": args.model,
            "recurrent": args.recurrent,
            "shape": list(shape),
            "dtype": args.dtype,
            "ms": seconds[name] * 1e3,
            "elements": elements,
            "GBps": (MINIMAL_BYTES_PER_ELEMENT * current.element_size() * elements
                     / seconds[name] / 1e9),
            "copy_GBps": copy_gbps,
            "peak_extra_tensors": peak / (4 * elements),
            "peak_extra_MiB": peak / 2**20,
        })
    fused_ms = rows[0]["ms"]
    for row in rows:
        row["ratio_vs_snn_ipu"] = row["ms"] / fused_ms
        row["check_rel_err"] = rel_err
    return rows


# Below this size of one [T, B, N] fp32 tensor, fixed allocation granularity
# (snn_ipu's pool rounds its buffers up to 64 KiB, torch's allocator has
# its own) dominates the peak, and its ratio to the tensor says little.
SMALL_LAYER_BYTES = 1 << 20


def format_table(rows):
    header = (f"{'shape':>16} {'implementation':<28} {'ms':>10} {'x snn_ipu':>10} "
              f"{'GB/s':>8} {'of copy':>8} {'peak mem':>10} {'peak MiB':>9}")
    lines = [header, "-" * len(header)]
    small = False
    for r in rows:
        mark = "*" if 4 * r["elements"] < SMALL_LAYER_BYTES else " "
        small = small or mark == "*"
        peak = f"{r['peak_extra_tensors']:.2f} T{mark}"
        lines.append(
            f"{'x'.join(map(str, r['shape'])):>16} {r['implementation']:<28} {r['ms']:>10.2f} "
            f"{r['ratio_vs_snn_ipu']:>10.2f} {r['GBps']:>8.2f} "
            f"{r['GBps'] / r['copy_GBps']:>8.0%} {peak:>10} {r['peak_extra_MiB']:>9.2f}")
    lines.append("peak mem: extra memory at the peak of forward + backward, in units of "
                 "one [T, B, N] fp32 tensor (T) and in MiB")
    if small:
        lines.append(f"* layer under {SMALL_LAYER_BYTES >> 20} MiB per fp32 tensor: fixed "
                     "allocation granularity (64 KiB buffers in snn_ipu's pool) dominates "
                     "the ratio; read the MiB")
    return "\n".join(lines)


def write_plot(rows, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"(no plot: matplotlib is not installed; pip install matplotlib for {path})")
        return False
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name in dict.fromkeys(r["implementation"] for r in rows):
        mine = sorted((r for r in rows if r["implementation"] == name), key=lambda r: r["elements"])
        ax.plot([r["elements"] for r in mine], [r["elements"] / r["ms"] / 1e6 for r in mine],
                marker="o", label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("elements per call (T x B x N)")
    ax.set_ylabel("G elements / s (forward + backward)")
    ax.set_title(f"{rows[0]['model'].capitalize()} forward + backward throughput")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return True


def add_arguments(parser: argparse.ArgumentParser):
    parser.add_argument("--model", choices=_baselines.MODELS, default="leaky",
                        help="the neuron model (default %(default)s)")
    parser.add_argument("--recurrent", choices=["one-to-one", "linear"], default="one-to-one",
                        help="rleaky and rsynaptic: one-to-one recurrence (V), or an "
                             "all-to-all Linear of N x N (snnTorch's linear_features=N), "
                             "timed with the matmuls alone (default %(default)s)")
    parser.add_argument("--shapes", type=parse_shapes, default=None,
                        help=f"';'-separated T,B,N shapes (default {DEFAULT_SHAPES})")
    parser.add_argument("--quick", action="store_true",
                        help=f"small shapes ({QUICK_SHAPES}) for a smoke run")
    parser.add_argument("--repeats", type=positive_int, default=5,
                        help="timed runs per case, reported as their median (default %(default)s)")
    parser.add_argument("--warmup", type=non_negative_int, default=1,
                        help="untimed runs first (default %(default)s)")
    add_threads(parser, "threads for torch and snn_ipu")
    parser.add_argument("--dtype", choices=["float32", "float16"], default="float32",
                        help="element type of the current (default %(default)s)")
    parser.add_argument("--baselines", type=parse_baselines, default=frozenset(BASELINES),
                        help="comma-separated: snntorch, plain, spikingjelly, floor (the "
                             "minimal memory traffic alone, two torch elementwise passes); "
                             "or none "
                             f"(default {','.join(BASELINES)})")
    parser.add_argument("--compile", action="store_true",
                        help="also time the plain loop under torch.compile (compiles ~1 min)")
    parser.add_argument("--one-thread", action="store_true",
                        help="also time snn_ipu on one thread (thread scaling)")
    parser.add_argument("--no-check", dest="check", action="store_false",
                        help="skip the correctness check against snnTorch")
    parser.add_argument("--json", default="benchmarks/out/lif_bench.json",
                        help="where to write the results as JSON (default %(default)s)")
    parser.add_argument("--plot", default="benchmarks/out/lif_bench.png",
                        help="where to write the throughput plot, PNG (default %(default)s)")


def main(args) -> int:
    require_host()  # timing the reference path instead would mislead
    if args.recurrent == "linear" and (args.model not in _baselines.RECURRENT
                                       or args.dtype != "float32"):
        raise CommandError("--recurrent linear: for --model rleaky or rsynaptic, in float32")
    use_threads(args)
    shapes = args.shapes or parse_shapes(QUICK_SHAPES if args.quick else DEFAULT_SHAPES)
    impls = implementations(args)
    copy_probe = CopyProbe()
    progress = Progress(len(shapes) * (args.warmup + args.repeats), "bench")
    rows = []
    for shape in shapes:
        rows += bench_shape(shape, impls, args, progress, copy_probe)
    del copy_probe
    copies = [r["copy_GBps"] for r in rows if r["implementation"] == rows[0]["implementation"]]
    machine = machine_description()
    print_machine(machine)
    print(f"copy bandwidth (read + write), timed with each shape: "
          f"{', '.join(f'{c:.1f}' for c in copies)} GB/s")
    print(format_table(rows))
    write_report(args.json, args, {
        "machine": machine, "copy_bandwidth_GBps": statistics.median(copies),
        "copy_bandwidth_samples_GBps": copies, "results": rows})
    os.makedirs(os.path.dirname(os.path.abspath(args.plot)), exist_ok=True)
    if write_plot(rows, args.plot):
        print(f"wrote {args.plot}")
    return 0
