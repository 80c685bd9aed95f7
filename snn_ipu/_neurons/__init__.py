"""snnTorch's neuron layers run over whole sequences by the fused kernels:
what ``snn_ipu.nn`` and ``snn_ipu.fuse`` share, one module per neuron model
(as snnTorch's own ``snntorch/_neurons/``)."""
