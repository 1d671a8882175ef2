"""Seeded inputs: the bundled test cases and the int8 calibration samples.

One torch.Generator seeded with the request's seed draws the test cases first, then the
calibration samples, so the same request always bundles the same inputs. Floating inputs are
standard normal (then cast to the input's dtype); integers are uniform in [0, 8); bools are
fair coin flips.
"""
from __future__ import annotations

from typing import Any

from .request import ExportRequest, InputSpec

INT_HIGH = 8


def _one(torch: Any, spec: InputSpec, generator: Any) -> Any:
    dtype = getattr(torch, spec.dtype)
    if dtype.is_floating_point:
        return torch.randn(spec.shape, generator=generator, dtype=torch.float32).to(dtype)
    if dtype == torch.bool:
        return torch.randint(0, 2, spec.shape, generator=generator).to(torch.bool)
    return torch.randint(0, INT_HIGH, spec.shape, generator=generator).to(dtype)


def draw(torch: Any, request: ExportRequest) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(test cases, calibration samples): tuples of tensors, one per model input."""
    generator = torch.Generator().manual_seed(request.seed)
    cases = [tuple(_one(torch, s, generator) for s in request.inputs) for _ in range(request.cases)]
    calibration = []
    if request.quantize is not None:
        calibration = [tuple(_one(torch, s, generator) for s in request.inputs) for _ in range(request.calibration)]
    return cases, calibration
