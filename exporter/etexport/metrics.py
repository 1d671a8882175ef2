"""Numbers the export report carries: differences between two runs of a model, and the
tolerances written beside a bundled program for the runtimes that check it."""
from __future__ import annotations

import math
from typing import Any

# ExecuTorch's (and etrun's) default bundled-program tolerances.
DEFAULT_RTOL = 1e-5
DEFAULT_ATOL = 1e-8
# A runtime may be this many times further from PyTorch eager than ExecuTorch's own run is.
HEADROOM = 4.0
# Float32 results computed in another summation order differ by about this fraction of the
# output's magnitude; the floor of atol for float programs.
FLOAT_FLOOR = 1e-5


def compare(torch: Any, reference: Any, other: Any) -> dict[str, Any]:
    """max_abs_err, max_rel_err and cosine similarity of `other` against `reference`."""
    a = reference.detach().to(torch.float64).reshape(-1)
    b = other.detach().to(torch.float64).reshape(-1)
    if a.shape != b.shape:
        return {"max_abs_err": None, "max_rel_err": None, "cosine": None, "note": f"{list(reference.shape)} vs {list(other.shape)}"}
    if a.numel() == 0:
        return {"max_abs_err": 0.0, "max_rel_err": 0.0, "cosine": 1.0}
    diff = (a - b).abs()
    same = (a == b) | (a.isnan() & b.isnan())
    diff = torch.where(same, torch.zeros_like(diff), diff)
    rel = diff / a.abs().clamp_min(1e-30)
    na, nb = float(a.norm()), float(b.norm())
    cosine = 1.0 if na == 0 and nb == 0 else (float(a @ b) / (na * nb) if na > 0 and nb > 0 else 0.0)
    return {"max_abs_err": finite(float(diff.max())), "max_rel_err": finite(float(rel.max())), "cosine": finite(cosine)}


def finite(v: float) -> Any:
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def max_abs(torch: Any, tensors: list[Any]) -> float:
    values = [float(t.detach().to(torch.float64).abs().max()) for t in tensors if t.numel() > 0]
    return max(values, default=0.0)


def tolerance(torch: Any, expected: list[list[Any]], observed_err: float | None, quantized: bool) -> dict[str, float]:
    """The {rtol, atol} written for every bundled case of a program: ExecuTorch's rtol, and an
    atol of HEADROOM times the largest error ExecuTorch's own run showed over the cases, never
    below a floor: FLOAT_FLOOR times the largest expected value for float programs, about two
    int8 steps of the output range (largest expected value / 64) for quantized ones."""
    largest = max(max_abs(torch, e) for e in expected)
    floating = any(t.dtype.is_floating_point for e in expected for t in e)
    atol = DEFAULT_ATOL
    if floating:
        atol = max(atol, (largest / 64) if quantized else FLOAT_FLOOR * largest)
    if observed_err is not None and math.isfinite(observed_err):
        atol = max(atol, HEADROOM * observed_err)
    return {"rtol": DEFAULT_RTOL, "atol": round_up(atol)}


def round_up(v: float, digits: int = 3) -> float:
    """v rounded up to `digits` significant digits, so a tolerance file stays readable."""
    if v <= 0 or not math.isfinite(v):
        return v
    scale = 10.0 ** (math.floor(math.log10(v)) - digits + 1)
    return float(f"{math.ceil(v / scale - 1e-9) * scale:.{digits}g}")
