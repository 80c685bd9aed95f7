"""Comparisons that allow NaN and infinities: results with non-finite values
must have them in the same places as the oracle's, and the same finite values
elsewhere."""
import torch


def assert_equal_with_nan(actual, expected, name="result"):
    """Bitwise equal, NaN where the oracle has NaN."""
    assert actual.shape == expected.shape, (name, actual.shape, expected.shape)
    assert actual.dtype == expected.dtype, (name, actual.dtype, expected.dtype)
    nan = expected.isnan()
    assert torch.equal(actual.isnan(), nan), f"{name}: NaN at different places"
    assert torch.equal(actual.masked_fill(nan, 0), expected.masked_fill(nan, 0)), \
        f"{name}: values differ"


def assert_close_with_nonfinite(actual, expected, scale=None, rel=1e-5, name="gradient"):
    """NaN and +-inf at the oracle's places; finite values within `rel` of
    `scale`: a number, or the largest finite value of a tensor of per-element
    scales taken where the oracle is finite (a gradient's own terms can be
    results with cancellation, so one element's scale understates its
    round-off); by default the largest finite magnitude of the oracle's
    values."""
    assert actual.shape == expected.shape, (name, actual.shape, expected.shape)
    for what, mask in (("NaN", torch.isnan), ("+inf", lambda t: t == float("inf")),
                       ("-inf", lambda t: t == float("-inf"))):
        got, want = mask(actual), mask(expected)
        assert torch.equal(got, want), (
            f"{name}: {what} at {got.nonzero().tolist()}, snnTorch has it at "
            f"{want.nonzero().tolist()}\n ours {actual.tolist()}\n snnTorch {expected.tolist()}")
    finite = torch.isfinite(expected)
    if not finite.any():
        return
    a, e = actual.double()[finite], expected.double()[finite]
    if scale is None:
        scale = e.abs().max()
    elif isinstance(scale, torch.Tensor):
        scale = scale.double().expand(expected.shape)[finite]
        scale = scale[torch.isfinite(scale)]
        scale = scale.max() if scale.numel() else 0.0
    tol = rel * max(float(scale), 1e-30)
    err = float((a - e).abs().max())
    assert err <= tol, (
        f"{name}: error {err:.3e} > tolerance {tol:.3e}\n ours {actual.tolist()}\n "
        f"snnTorch {expected.tolist()}")
