#!/usr/bin/env python3
"""Times programs on the real ExecuTorch runtime (PyPI `executorch`) for bench/zoo-vs-ort.mjs.

A line protocol on standard input and output, so one Python process (importing torch and
ExecuTorch takes seconds) serves every round of a benchmark that alternates runtimes:

    {"op": "load", "id": "resnet18.xnnpack", "program": PATH, "inputs": "random:0"}
        -> {"ok": true} or {"ok": false, "error": "..."}
    {"op": "time", "id": ..., "threads": N, "iterations": K}
        -> {"ok": true, "ms": [K per-execute milliseconds]}
    {"op": "unload", "id": ...}
        -> {"ok": true}

`threads` resizes ExecuTorch's shared thread pool (what its XNNPACK delegate runs on) with
`_unsafe_reset_threadpool`; the portable kernels are single-threaded whatever it says. A method
loaded before the pool was resized fails to execute (error 0x10), so a method is loaded again
after every resize. Each `time` runs one untimed execute first. Times are `time.perf_counter` around
`Method.execute`, so they include the Python binding's call overhead (tens of microseconds:
small next to the zoo's milliseconds, and said so in the benchmark's output).

Program bytes and inputs come from exporter/run_executorch.py, so `random:SEED` gives the
tensors `etrun --inputs random:SEED` feeds.
"""
from __future__ import annotations

import gc
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "exporter"))

import run_executorch as rx  # noqa: E402


def main() -> int:
    out = rx.json_stdout()
    import torch  # noqa: PLC0415
    from executorch.extension.pybindings import portable_lib  # noqa: PLC0415
    from executorch.runtime import Runtime  # noqa: PLC0415

    try:  # quantized_decomposed out variants for int8 programs that are not delegated
        import executorch.kernels.quantized  # noqa: F401, PLC0415
    except ImportError:
        pass
    runtime = Runtime.get()
    pool = {"threads": None, "generation": 0}
    # id -> [program, method name, inputs, method, the pool generation it was loaded in]
    loaded: dict[str, list[object]] = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            if req["op"] == "load":
                program = runtime.load_program(rx.program_bytes(req["program"]))
                names = sorted(program.method_names)
                name = "forward" if "forward" in names else names[0]
                method = program.load_method(name)
                inputs = rx.build_inputs(torch, method, req.get("inputs", "random:0"))
                loaded[req["id"]] = [program, name, inputs, method, pool["generation"]]
                reply = {"ok": True}
            elif req["op"] == "time":
                entry = loaded[req["id"]]
                threads = int(req["threads"])
                if pool["threads"] != threads:
                    portable_lib._unsafe_reset_threadpool(threads)
                    pool["threads"] = threads
                    pool["generation"] += 1
                if entry[4] != pool["generation"]:
                    entry[3] = entry[0].load_method(entry[1])
                    entry[4] = pool["generation"]
                method, inputs = entry[3], entry[2]
                method.execute(inputs)
                ms = []
                for _ in range(int(req["iterations"])):
                    t = time.perf_counter()
                    method.execute(inputs)
                    ms.append((time.perf_counter() - t) * 1000)
                reply = {"ok": True, "ms": ms}
            elif req["op"] == "unload":
                # Methods of finished models are dropped: kept across thread-pool resets for the
                # next models, they were followed by crashes of the whole process.
                loaded.pop(req["id"], None)
                gc.collect()
                reply = {"ok": True}
            else:
                reply = {"ok": False, "error": f"unknown op {req['op']!r}"}
        except Exception as e:  # reported to the benchmark, which prints it and leaves the cell empty
            reply = {"ok": False, "error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"}
        out.write(json.dumps(reply) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
