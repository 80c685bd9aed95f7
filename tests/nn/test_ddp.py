"""DistributedDataParallel (gloo, two processes) on a fused model: the
averaged gradients equal the single-process gradients of the whole batch."""
import datetime
import os
import sys
import time

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

sys.path.insert(0, os.path.dirname(__file__))

BATCH, STEPS = 8, 6


def _model():
    import snntorch as snn
    from torch import nn

    torch.manual_seed(0)
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 32), snn.Leaky(beta=0.9, init_hidden=True),
                         nn.Linear(32, 10), snn.Leaky(beta=0.9, init_hidden=True, output=True))


def _data():
    gen = torch.Generator().manual_seed(1)
    return torch.rand(BATCH, 1, 8, 8, generator=gen), torch.randint(10, (BATCH,), generator=gen)


def _loss(fused, x, y):
    from snntorch import functional as SF
    from snntorch import utils

    utils.reset(fused)
    spk, _ = fused(x, num_steps=STEPS)
    return SF.ce_count_loss()(spk, y)


def _worker(rank, world, init_file, out_dir):
    import snn_ipu

    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank,
                            world_size=world, timeout=datetime.timedelta(seconds=60))
    try:
        fused = snn_ipu.fuse(_model())
        ddp = torch.nn.parallel.DistributedDataParallel(fused)
        x, y = _data()
        shard = slice(rank * BATCH // world, (rank + 1) * BATCH // world)
        _loss(ddp, x[shard], y[shard]).backward()
        if rank == 0:
            torch.save([p.grad for p in fused.parameters()], os.path.join(out_dir, "grads.pt"))
    finally:
        dist.destroy_process_group()
    # Leave without Python's teardown: freeing the DDP reducer then joins gloo
    # threads that wait for the GIL the joining thread holds, a torch/gloo
    # shutdown deadlock (seen here in ~1 of 3 runs, in
    # ProcessGroupGloo::~ProcessGroupGloo), unrelated to what is tested.
    os._exit(0)


@pytest.mark.skipif(not dist.is_available(), reason="torch.distributed is not available")
def test_ddp_gradients_equal_single_process(tmp_path):
    import snn_ipu

    context = mp.spawn(_worker, args=(2, str(tmp_path / "init"), str(tmp_path)), nprocs=2,
                       join=False)
    deadline = time.monotonic() + 180
    while not context.join(timeout=5):  # raises if a worker failed
        if time.monotonic() > deadline:
            for process in context.processes:
                process.kill()
            pytest.fail("the two DDP workers did not finish within 180 s")
    ddp_grads = torch.load(tmp_path / "grads.pt")

    fused = snn_ipu.fuse(_model())
    x, y = _data()
    _loss(fused, x, y).backward()
    for got, want in zip(ddp_grads, (p.grad for p in fused.parameters())):
        assert torch.allclose(got, want, rtol=1e-5, atol=1e-7)
