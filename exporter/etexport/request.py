"""What one export is asked to do: parsed from the command line or from a --batch JSON entry,
validated before anything slow is imported."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

DTYPES = (
    "float32", "float16", "bfloat16", "float64", "int8", "int16", "int32", "int64", "uint8", "bool",
)
QUANTIZE = ("int8",)
# Suffixes `out` may have: a bundled program (test cases inside) or a plain program.
FORMATS = (".bpte", ".pte")


class RequestError(ValueError):
    """A request that cannot be exported as written (exit 2 from the command line)."""


@dataclass
class InputSpec:
    shape: list[int]
    dtype: str = "float32"


@dataclass
class ExportRequest:
    """One model to export. `factory` is `FILE.py:function`; the function takes no arguments
    and returns an nn.Module."""

    factory: str
    inputs: list[InputSpec]
    out: str
    xnnpack: bool = False
    quantize: str | None = None
    seed: int = 0
    # Bundled test cases (seeded inputs, expected outputs from PyTorch eager) in a .bpte.
    cases: int = 2
    # Seeded samples the int8 observers see before conversion.
    calibration: int = 8
    # Run the program on ExecuTorch's runtime after lowering (drift, tolerances, a sanity check).
    verify: bool = True
    name: str | None = None

    @property
    def bundled(self) -> bool:
        return self.out.endswith(".bpte")

    @property
    def label(self) -> str:
        return self.name or self.factory.rsplit(":", 1)[-1]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def parse_shape(text: str) -> list[int]:
    if not re.fullmatch(r"\s*\d+(\s*,\s*\d+)*\s*", text):
        raise RequestError(f"bad input shape {text!r}: expected sizes like 1,3,224,224")
    return [int(s) for s in text.split(",")]


def _int(doc: dict[str, Any], key: str, default: int, minimum: int) -> int:
    value = doc.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise RequestError(f"{key} must be an integer >= {minimum}, got {value!r}")
    return value


def _bool(doc: dict[str, Any], key: str, default: bool) -> bool:
    value = doc.get(key, default)
    if not isinstance(value, bool):
        raise RequestError(f"{key} must be true or false, got {value!r}")
    return value


def request_from_json(doc: Any) -> ExportRequest:
    """Validates one --batch entry: {factory, inputs: [{shape, dtype?}], out, xnnpack?, quantize?,
    seed?, cases?, calibration?, verify?, name?}."""
    if not isinstance(doc, dict):
        raise RequestError(f"a request must be a JSON object, got {type(doc).__name__}")
    known = {"factory", "inputs", "out", "xnnpack", "quantize", "seed", "cases", "calibration", "verify", "name"}
    unknown = sorted(set(doc) - known)
    if unknown:
        raise RequestError(f"unknown request field(s): {', '.join(unknown)}")
    factory = doc.get("factory")
    if not isinstance(factory, str) or not re.fullmatch(r".+\.py:[A-Za-z_][A-Za-z0-9_]*", factory):
        raise RequestError(f"factory must be FILE.py:function, got {factory!r}")
    out = doc.get("out")
    if not isinstance(out, str) or not out.endswith(FORMATS):
        raise RequestError(f"out must be a path ending in .bpte or .pte, got {out!r}")
    raw_inputs = doc.get("inputs")
    if not isinstance(raw_inputs, list) or not raw_inputs:
        raise RequestError("inputs must be a non-empty list of {shape, dtype?}")
    inputs = []
    for i, item in enumerate(raw_inputs):
        if not isinstance(item, dict) or not isinstance(item.get("shape"), list):
            raise RequestError(f"inputs[{i}] must be {{shape: [..], dtype?}}")
        shape = item["shape"]
        if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape):
            raise RequestError(f"inputs[{i}].shape must be a list of sizes >= 0, got {shape!r}")
        dtype = item.get("dtype", "float32")
        if dtype not in DTYPES:
            raise RequestError(f"inputs[{i}].dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
        inputs.append(InputSpec(shape=list(shape), dtype=dtype))
    quantize = doc.get("quantize")
    if quantize is not None and quantize not in QUANTIZE:
        raise RequestError(f"quantize must be one of {', '.join(QUANTIZE)} or null, got {quantize!r}")
    name = doc.get("name")
    if name is not None and (not isinstance(name, str) or name == ""):
        raise RequestError(f"name must be a non-empty string, got {name!r}")
    request = ExportRequest(
        factory=factory,
        inputs=inputs,
        out=out,
        xnnpack=_bool(doc, "xnnpack", False),
        quantize=quantize,
        seed=_int(doc, "seed", 0, 0),
        cases=_int(doc, "cases", 2, 1),
        calibration=_int(doc, "calibration", 8, 1),
        verify=_bool(doc, "verify", True),
        name=name,
    )
    return request
