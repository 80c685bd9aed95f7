"""Which path the kernels took: snn_ipu._host.run_counts() around a call."""
from snn_ipu._backends.host import host


def runs_during(fn):
    """fn()'s result, and how many kernel runs took each path while it ran
    (serial, openmp, pool; streaming_runs: runs that streamed their outputs)."""
    before = host.run_counts()
    result = fn()
    after = host.run_counts()
    return result, {key: after[key] - before[key] for key in after}
