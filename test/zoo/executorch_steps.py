"""Runs several calls of one loaded method with ExecuTorch's own Python runtime, in order, so that
mutable state (a KV cache) written by one call is seen by the next: prefill, then decode steps.

    .venv/bin/python test/zoo/executorch_steps.py PROGRAM.pte STEPS.json

STEPS.json is a list of calls, each a list of inputs {dtype, shape, data} (the runner contract's
input-file form). Prints a JSON list with, per call, the outputs as {dtype, shape, data}.
"""
import json
import sys

import torch
from executorch.runtime import Runtime


def main(program: str, steps_file: str) -> None:
    with open(program, "rb") as f:
        data = f.read()
    # The program keeps pointing into `data`, and the method into the program: keep both alive.
    loaded = Runtime.get().load_program(data)
    method = loaded.load_method("forward")
    with open(steps_file) as f:
        steps = json.load(f)
    results = []
    for inputs in steps:
        tensors = [torch.tensor(x["data"], dtype=getattr(torch, x["dtype"])).reshape(x["shape"]) for x in inputs]
        outputs = method.execute(tensors)
        results.append([{"dtype": str(o.dtype).removeprefix("torch."), "shape": list(o.shape), "data": o.reshape(-1).tolist()} for o in outputs])
    json.dump(results, sys.stdout)
    del method, loaded, data


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
