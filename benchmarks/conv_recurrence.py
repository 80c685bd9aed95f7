"""An all-to-all Conv2d recurrence (snnTorch's RLeaky/RSynaptic with
conv2d_channels and kernel_size), forward + backward, three ways side by
side: snn_ipu's one autograd node, the same fused steps calling the
recurrent module at every step (autograd's per-step nodes: what a hooked
module takes), and snnTorch's own step loop; with the peak extra memory of
each in [T, B, C, H, W] fp32 tensors.

    python benchmarks/conv_recurrence.py [--model rleaky|rsynaptic]
        [--shape T,B,C,H,W] [--kernel 3] [--repeats 7]

Medians of interleaved rounds (snn_ipu.cli.measure), after one warm-up.
"""
import argparse

import snntorch as snn
import torch

import snn_ipu
from snn_ipu.cli.measure import interleaved_medians, peak_tensor_bytes

STATES = {"rleaky": 2, "rsynaptic": 3}


def layer(cls, model, channels, kernel):
    args = dict(beta=0.9) if model == "rleaky" else dict(alpha=0.9, beta=0.8)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        return cls(conv2d_channels=channels, kernel_size=kernel, **args)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=sorted(STATES), default="rleaky")
    parser.add_argument("--shape", default="25,32,16,16,16")
    parser.add_argument("--kernel", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    shape = tuple(int(v) for v in args.shape.split(","))
    ours_cls = {"rleaky": snn_ipu.nn.RLeaky, "rsynaptic": snn_ipu.nn.RSynaptic}[args.model]
    theirs_cls = {"rleaky": snn.RLeaky, "rsynaptic": snn.RSynaptic}[args.model]
    channels = shape[2]
    one_node = layer(ours_cls, args.model, channels, args.kernel)
    per_step = layer(ours_cls, args.model, channels, args.kernel)
    per_step.recurrent.register_forward_hook(lambda *a: None)  # the per-step path
    theirs = layer(theirs_cls, args.model, channels, args.kernel)
    snn.SpikingNeuron.instances.clear()
    torch.manual_seed(1)
    x = (torch.randn(shape) * 0.6 + 0.3).requires_grad_()
    zeros = [torch.zeros(shape[1:]) for _ in range(STATES[args.model])]

    def ours(module):
        def run():
            x.grad = None
            module.zero_grad(set_to_none=True)
            module.forward_sequence(x, *zeros)[0].sum().backward()
        return run

    def loop():
        x.grad = None
        theirs.zero_grad(set_to_none=True)
        states, spikes = list(zeros), []
        for t in range(shape[0]):
            states = theirs(x[t], *states)
            spikes.append(states[0])
        torch.stack(spikes).sum().backward()

    fns = {"snn_ipu one node": ours(one_node), "snn_ipu per-step autograd": ours(per_step),
           "snnTorch loop": loop}
    medians = interleaved_medians(fns, args.repeats)
    tensor = 4 * x.numel()
    base = medians["snn_ipu one node"]
    print(f"{args.model}, Conv2d {channels}x{channels}x{args.kernel}x{args.kernel}, "
          f"[T,B,C,H,W] = {list(shape)}, {torch.get_num_threads()} threads")
    for name, fn in fns.items():
        peak = peak_tensor_bytes(fn) / tensor
        print(f"  {name:28s} {medians[name] * 1e3:9.2f} ms  "
              f"{medians[name] / base:5.2f}x  peak {peak:5.2f} T")


if __name__ == "__main__":
    main()
