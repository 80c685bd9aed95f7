"""Command line: ``python -m snn_ipu {bench} ...``."""
import argparse
import sys

from . import bench, bench_train, train


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
    args = parser.parse_args(argv)
    if args.command == "bench":
        return bench.main(args)
    if args.command == "train":
        return train.main(args)
    if args.command == "bench-train":
        return bench_train.main(args)
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
