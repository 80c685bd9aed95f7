"""``python -m snn_ipu plan``: the tile plan of one neuron layer on a GC200 IPU.

Prints what the PopART op would build for a ``[T, B, N]`` layer of a neuron
model (``--model``): the tiles it uses, the neurons on each tile and each
worker, the bytes a tile needs in the forward and the backward pass, that
the backward recomputes the states instead of saving them, and the estimated cycles of the cost model the IPU build
registers with Poplar. A layer that does not fit says which limit it breaks.
The plan is computed by the same C++ function the IPU glue and the host runner
use; no SDK is needed.

With ``--run``, the forward and backward graphs are built for a GC200 exactly
as the Opxs build them (the graph functions of csrc/ops/graph), executed by
the project's host implementation of Poplar with random inputs, and every
output compared with the host backend's (snn_ipu/_lif/graph_compare.py):
exit status 0 when all are bitwise equal, 1 when any differs.
"""
from __future__ import annotations

import argparse
import math
import sys

from .._backends.host import require_host
from .._lif.config import RESET_MODES
from .._lif.models import MODELS, MODELS_BY_ID

# The GC200's clock, which the cycle estimates are converted to time with
# (its tiles, workers and memory are the host module's plan defaults,
# snn_ipu._host.GC200).
GC200_CLOCK_HZ = 1.33e9


def parse_shape(text: str):
    try:
        dims = tuple(int(d) for d in text.split(","))
    except ValueError:
        dims = ()
    if len(dims) < 2 or any(d < 1 for d in dims):
        raise argparse.ArgumentTypeError(
            f"expected positive integers 'T,B,N' (time steps, then the neuron dimensions), "
            f"got {text!r}")
    return dims


# --dtype's spellings: bench's (torch's) names, and the C++ element types the
# host module's plan takes, which this command took first.
HOST_DTYPES = {"float32": "float", "float16": "half", "float": "float", "half": "half"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--shape", type=parse_shape, required=True, metavar="T,B,N",
                        help="the layer's [T, ...] shape, e.g. 25,128,1000")
    parser.add_argument("--model", choices=tuple(MODELS), default="leaky",
                        help="the neuron model (default %(default)s)")
    parser.add_argument("--dtype", choices=tuple(HOST_DTYPES), default="float32",
                        help="element type of the current and spikes: float32 or float16, "
                             "as bench spells them (float and half, the C++ names, also "
                             "work; default %(default)s)")
    parser.add_argument("--run", action="store_true",
                        help="also build the forward and backward graphs as the IPU op "
                             "would, execute them on the host executor with random inputs, "
                             "and compare every output with the host backend")
    parser.add_argument("--seed", type=int, default=0,
                        help="--run's inputs and vertex order (default %(default)s)")


# The reset each model's cycles are estimated for: snnTorch's default.
_RESET_DEFAULT = {m.id: RESET_MODES[m.default_reset] for m in MODELS.values()}


def plan_layer(shape, dtype: str, model: str = "leaky"):
    """The GC200 plan of a ``[T, ...]`` layer of ``model`` (raises ValueError
    naming the limit); ``dtype`` in either spelling of HOST_DTYPES (or another
    type the host module plans, such as "double")."""
    host = require_host()
    steps, neurons = shape[0], math.prod(shape[1:])
    if steps >= 1 << 64 or neurons >= 1 << 64:
        raise ValueError(f"{steps} steps x {neurons} neurons: the plan counts both in "
                         f"64 bits")
    return host.plan(steps, neurons, HOST_DTYPES.get(dtype, dtype), model=MODELS[model].id,
                     **host.GC200)


def _per_tile(nbytes: int, limit: int) -> str:
    return f"{nbytes / 1024:.1f} KiB per tile ({100 * nbytes / limit:.1f}% of its memory)"


def _time(cycles: int) -> str:
    return f"{cycles:,} cycles ({cycles / GC200_CLOCK_HZ * 1e6:.1f} us at 1.33 GHz)"


def describe(plan, shape) -> str:
    host = require_host()
    worker_sizes = [end - begin for begin, end in
                    (plan.worker_range(0, w) for w in range(plan.workers_per_tile))]
    busy = [n for n in worker_sizes if n > 0]
    last_begin, last_end = plan.tile_range(plan.tiles_used - 1)
    state_bytes = 8 if plan.dtype == "double" else 4
    forward, backward = host.lif_cycles(plan, reset_mode=_RESET_DEFAULT[plan.model])
    model = MODELS_BY_ID[plan.model]
    dims = " x ".join(str(d) for d in shape[1:])
    lines = [
        f"{model.name.capitalize()} tile plan on a GC200 IPU ({plan.num_tiles} tiles, {plan.workers_per_tile} "
        f"workers per tile, {plan.bytes_per_tile // 1024} KiB per tile)",
        f"  layer             T = {plan.num_steps}, {dims} = {plan.num_neurons} neurons, "
        f"{plan.dtype}",
        f"  tiles used        {plan.tiles_used} of {plan.num_tiles}",
        f"  neurons per tile  {plan.neurons_per_tile} (last tile: {last_end - last_begin})",
        f"  per worker        {max(busy)} at most, {len(busy)} of {plan.workers_per_tile} "
        f"workers busy on a full tile (blocks aligned to {plan.grain} neurons)",
        f"  register chunk    {plan.chunk_neurons} neurons carried across all "
        f"{plan.num_steps} steps",
        f"  forward           {_per_tile(plan.forward_bytes_per_tile, plan.bytes_per_tile)}",
        f"  backward          {_per_tile(plan.backward_bytes_per_tile, plan.bytes_per_tile)}",
        f"  states            {', '.join(model.states)}: recomputed in the backward pass, "
        f"not saved "
        f"(scratch {plan.backward_scratch_elements * state_bytes / 1024:.1f} KiB per tile)",
        f"  forward cycles    {_time(forward)}",
        f"  backward cycles   {_time(backward)}",
        f"  (cycles: estimate of the vertex cost model, csrc/ops/plan/LifCycles.hpp, for "
        f"snnTorch's default reset ('{model.default_reset}') and the atan surrogate; not "
        f"measured on hardware)",
    ]
    return "\n".join(lines)


def main(args) -> int:
    try:
        plan = plan_layer(args.shape, args.dtype, args.model)
    except ValueError as exc:
        print(f"python -m snn_ipu plan: error: {exc}", file=sys.stderr)
        return 2
    print(describe(plan, args.shape))
    if not args.run:
        return 0
    return run_graphs(plan, args)


def _graph_report(name: str, report: dict) -> list:
    largest = report["largestTileBytes"]
    return [
        f"  {name:<9} {report['tilesUsed']} tiles, {report['vertices']:,} vertices, "
        f"{report['edges']:,} edges, {report['computeSets']} compute "
        f"set{'' if report['computeSets'] == 1 else 's'}, "
        f"{report['copies']} copies ({report['copyBytes'] / 2**20:.2f} MiB, "
        f"{report['exchangeBytes'] / 2**20:.2f} MiB exchanged between tiles)",
        f"  {'':<9} most memory on one tile: {largest / 1024:.1f} KiB on tile "
        f"{report['largestTile']}, of {report['bytesPerTile'] // 1024} KiB "
        f"({100 * largest / report['bytesPerTile']:.1f}%)"]


def run_graphs(plan, args) -> int:
    """--run: both graphs executed on the host and compared with the host backend."""
    import time

    import numpy as np

    from .._backends import graph
    from .._lif.graph_compare import LayerCase, compare, describe as differences

    model = MODELS[args.model]
    case = LayerCase(model=model.id, steps=plan.num_steps, neurons=plan.num_neurons,
                     dtype=np.float16 if HOST_DTYPES[args.dtype] == "half" else np.float32,
                     reset_mode=_RESET_DEFAULT[model.id], record_states=True,
                     shared_params=True, seed=args.seed)
    print("\nGraphs built as the IPU op builds them (csrc/ops/graph), executed by the "
          "host implementation of Poplar (vertices in a shuffled order, bounds-checked):")
    start = time.perf_counter()
    try:
        result = compare(case, vertex_seed=args.seed + 1)
    except graph.GraphError as exc:
        print(f"python -m snn_ipu plan: error: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - start
    lines = _graph_report("forward", result.forward_report)
    lines += _graph_report("backward", result.backward_report)
    lines.append(f"  compared  {result.outputs} outputs with the host backend, random inputs "
                 f"(seed {args.seed}), in {elapsed:.1f} s:")
    lines += [f"    {line}" for line in differences(result)]
    print("\n".join(lines))
    if result.equal:
        print("bitwise equal to the host backend")
        return 0
    return 1
