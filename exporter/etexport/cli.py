"""exporter/export.py's command line. See that file for usage."""
from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from typing import Any, BinaryIO

from .request import DTYPES, QUANTIZE, RequestError, parse_shape, request_from_json


class Reports:
    """JSON documents go to the real standard output; everything else that writes to fd 1
    while exporting (print calls deep in torch or ExecuTorch) is moved to standard error."""

    def __init__(self) -> None:
        sys.stdout.flush()
        self._out: BinaryIO = os.fdopen(os.dup(1), "wb")
        os.dup2(2, 1)

    def emit(self, doc: Any) -> None:
        self._out.write((json.dumps(doc, allow_nan=False) + "\n").encode())
        self._out.flush()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="export.py",
        description="Export a PyTorch module with the real ExecuTorch exporter (.pte, or .bpte with test cases).",
    )
    p.add_argument("factory", nargs="?", help="FILE.py:function returning an nn.Module")
    p.add_argument("--input-shape", action="append", default=[], metavar="N,C,H,W", help="one per model input, in order")
    p.add_argument("--dtype", action="append", default=[], choices=DTYPES, help="input dtype: once for all inputs, or once per input (default float32)")
    p.add_argument("--xnnpack", action="store_true", help="delegate what XNNPACK supports to XnnpackBackend")
    p.add_argument("--quantize", choices=QUANTIZE, default=None, help="int8 post-training quantization (PT2E, XNNPACKQuantizer)")
    p.add_argument("--seed", type=int, default=0, help="seeds the weights, the test cases and the calibration samples")
    p.add_argument("--cases", type=int, default=2, help="bundled test cases in a .bpte (default 2)")
    p.add_argument("--calibration", type=int, default=8, help="calibration samples for --quantize (default 8)")
    p.add_argument("--no-verify", action="store_true", help="do not run the result on ExecuTorch's runtime")
    p.add_argument("--name", default=None, help="the model's name in the report (default: the function's)")
    p.add_argument("--out", help="the .bpte or .pte to write")
    p.add_argument("--batch", metavar="REQUESTS.json", help="a JSON list of requests, one report line each")
    return p


def request_from_args(args: argparse.Namespace) -> dict[str, Any]:
    if not args.input_shape:
        raise RequestError("--input-shape is required (once per input)")
    shapes = [parse_shape(s) for s in args.input_shape]
    dtypes = args.dtype or ["float32"]
    if len(dtypes) == 1:
        dtypes = dtypes * len(shapes)
    if len(dtypes) != len(shapes):
        raise RequestError(f"--dtype given {len(dtypes)} times for {len(shapes)} inputs: give it once, or once per input")
    doc: dict[str, Any] = {
        "factory": args.factory,
        "inputs": [{"shape": s, "dtype": d} for s, d in zip(shapes, dtypes)],
        "out": args.out,
        "xnnpack": args.xnnpack,
        "quantize": args.quantize,
        "seed": args.seed,
        "cases": args.cases,
        "calibration": args.calibration,
        "verify": not args.no_verify,
    }
    if args.name is not None:
        doc["name"] = args.name
    return doc


def main(argv: list[str]) -> int:
    p = parser()
    args = p.parse_args(argv)
    try:
        if args.batch is not None:
            if args.factory is not None or args.out is not None:
                raise RequestError("give either FILE.py:function ... --out, or --batch, not both")
            try:
                with open(args.batch, encoding="utf-8") as f:
                    docs = json.load(f)
            except (OSError, ValueError) as e:
                raise RequestError(f"--batch {args.batch}: {e}") from e
            if not isinstance(docs, list):
                raise RequestError(f"{args.batch}: expected a JSON list of requests")
        else:
            if args.factory is None:
                raise RequestError("FILE.py:function is required (or --batch REQUESTS.json)")
            docs = [request_from_args(args)]
        requests = [request_from_json(d) for d in docs]
    except RequestError as e:
        p.error(str(e))

    reports = Reports()
    warnings.filterwarnings("ignore")
    from .pipeline import export_one  # noqa: PLC0415 - imports torch

    failed = 0
    for request in requests:
        report = export_one(request)
        failed += report["error"] is not None
        reports.emit(report)
    return 1 if failed else 0
