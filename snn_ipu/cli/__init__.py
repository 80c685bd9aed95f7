"""``python -m snn_ipu``: the command line (train, bench, bench-train, plan),
apart from the library it drives. Nothing in the library imports it."""
