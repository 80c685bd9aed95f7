"""The fused LIF op's internals, one concern per module: the call's
configuration (config), its argument checks (checks), the host kernels as
functions of tensors (kernels) and the memory check before them (memory), the
two autograd front ends over them (autograd: a torch.autograd.Function;
library: torch.library custom ops for torch.compile) and the one that picks
between them (front_end), the LIF + Linear node (linear), the exact PyTorch
reference (reference) and the PopTorch lowering to the PopART op (poptorch).
snn_ipu.ops is the public face."""
