"""Command line: ``python -m snn_ipu {bench,plan} ...``."""
import argparse
import sys

from . import bench, plan_cli


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m snn_ipu",
                                     description="snn_ipu: fused LIF kernels")
    commands = parser.add_subparsers(dest="command", required=True)
    bench.add_arguments(commands.add_parser(
        "bench", help="microbenchmark LIF forward + backward against snnTorch and others"))
    plan_cli.add_arguments(commands.add_parser(
        "plan", help="the tile plan of a LIF layer on a GC200 IPU (no SDK needed)"))
    args = parser.parse_args(argv)
    if args.command == "bench":
        return bench.main(args)
    if args.command == "plan":
        return plan_cli.main(args)
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
