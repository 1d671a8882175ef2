#!/usr/bin/env python3
"""Export a PyTorch module with the real ExecuTorch exporter; `etbench export` runs this.

    .venv/bin/python exporter/export.py FILE.py:function --input-shape 1,3,224,224 [--input-shape ...]
        [--dtype float32 ...] [--xnnpack] [--quantize int8] [--seed N] [--cases N]
        [--calibration N] [--no-verify] [--name NAME] --out MODEL.bpte|MODEL.pte
    .venv/bin/python exporter/export.py --batch REQUESTS.json

FILE.py:function names a function that takes no arguments and returns an nn.Module; torch's
generator is seeded with --seed right before it is called, so random weights are reproducible.
The module goes through torch.export, to_edge_transform_and_lower (portable kernels, or the
XNNPACK partitioner with --xnnpack) and to_executorch. --quantize int8 first runs ExecuTorch's
PT2E flow (XNNPACKQuantizer, symmetric per-channel, calibrated on seeded samples). A .bpte
carries --cases seeded test cases with the outputs PyTorch eager computed, and a
`<stem>.tolerances.json` beside it. The result is then run on ExecuTorch's own runtime.

Standard output gets one JSON report per export (one line each; `--batch` takes a JSON list of
{factory, inputs: [{shape, dtype?}], out, xnnpack?, quantize?, seed?, cases?, calibration?,
verify?, name?} and reports them in order, each as soon as it is done). Progress and whatever
torch logs go to standard error. Exit 0 when every export succeeded, 1 when one failed (its
report says at which stage and why), 2 for a bad request. See docs/export.md.
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from etexport.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
