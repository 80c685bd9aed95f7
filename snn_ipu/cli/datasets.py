"""Datasets for ``python -m snn_ipu train``.

``digits`` (the default) is scikit-learn's handwritten digits (1,797 8x8
images) which ship inside scikit-learn, so training runs offline. ``mnist``
uses torchvision's MNIST from ``--data-dir`` (downloaded there when online).
Both give float images in [0, 1] shaped [N, 1, H, W] and integer labels.
"""
from __future__ import annotations

from typing import NamedTuple

import torch

from .errors import MissingDependency


class Split(NamedTuple):
    train_x: torch.Tensor
    train_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor


def digits(test_fraction: float = 0.2, seed: int = 0) -> Split:
    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:
        raise MissingDependency("the digits dataset comes with scikit-learn: "
                                "pip install 'snn_ipu[train]' (or scikit-learn)") from exc
    data = load_digits()
    x = torch.tensor(data.images, dtype=torch.float32).unsqueeze(1) / 16.0
    y = torch.tensor(data.target, dtype=torch.long)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(seed))
    n_test = int(len(y) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return Split(x[train], y[train], x[test], y[test])


def mnist(data_dir: str) -> Split:
    try:
        from torchvision import datasets
    except ImportError as exc:
        raise MissingDependency("--dataset mnist needs torchvision (pip install torchvision "
                                "matching your torch)") from exc

    def load(train):
        ds = datasets.MNIST(data_dir, train=train, download=True)
        x = ds.data.to(torch.float32).unsqueeze(1) / 255.0
        return x, ds.targets.clone()

    train_x, train_y = load(True)
    test_x, test_y = load(False)
    return Split(train_x, train_y, test_x, test_y)


def load(name: str, data_dir: str = "data") -> Split:
    if name == "digits":
        return digits()
    if name == "mnist":
        return mnist(data_dir)
    raise ValueError(f"--dataset: expected 'digits' or 'mnist', got {name!r}")
