"""Command line: ``python -m snn_ipu {train,bench,bench-train,plan} ...``."""
import argparse
import sys

from .._backends.host import HostMissing
from . import bench, bench_train, plan, train
from .errors import CommandError, MissingDependency


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m snn_ipu",
                                     description="snn_ipu: fused LIF kernels")
    commands = parser.add_subparsers(dest="command", required=True)
    bench.add_arguments(commands.add_parser(
        "bench", help="microbenchmark LIF forward + backward against snnTorch and others"))
    train.add_arguments(commands.add_parser(
        "train", help="train the seed tutorial's network through snn_ipu"))
    bench_train.add_arguments(commands.add_parser(
        "bench-train", help="time the seed's training step, snn_ipu against snnTorch"))
    plan.add_arguments(commands.add_parser(
        "plan", help="the tile plan of a LIF layer on a GC200 IPU (no SDK needed)"))
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    args.argv = argv  # what the reports record as the command that made them
    handlers = {"bench": bench.main, "train": train.main, "bench-train": bench_train.main,
                "plan": plan.main}
    try:
        return handlers[args.command](args)  # argparse requires one of them
    except (MissingDependency, HostMissing, CommandError) as exc:
        # The commands that run the host kernels ask for them first: training
        # or timing the reference path instead would mislead. A dataset's
        # package (scikit-learn, torchvision) missing ends the same way.
        print(f"python -m snn_ipu {args.command}: {exc}", file=sys.stderr)
        return 2

