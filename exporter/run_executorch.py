#!/usr/bin/env python3
"""Run a .pte (or the program inside a .bpte) with the real ExecuTorch's own Python runtime.

The judge for our C++ runtime (test/crosscheck/): given the same program and the same inputs,
both runtimes should print the same outputs. Inputs follow the runner contract
(shared/docs/runner-contract.md), so `--inputs random:SEED` produces exactly the tensors
`etrun --inputs random:SEED` feeds.

    .venv/bin/python exporter/run_executorch.py PROGRAM.pte|PROGRAM.bpte
        [--method NAME]              default: forward, or the only method
        [--inputs random:SEED|FILE]  default: random:0; FILE is a JSON list of {dtype, shape, data}
        [--data FILE.ptd]            external constant data
    .venv/bin/python exporter/run_executorch.py --batch JOBS.json

Prints one JSON document on standard output:

    {"program": PATH, "method": NAME,
     "outputs": [{"dtype", "shape", "data"}] | null,
     "error": null | {"name", "message", "log"},
     "exit_code": 0 | the code below that the error maps to}

`data` is the flat list in logical row-major order of `shape`; float values are printed so that
they round-trip (the shortest repr of the exact value as a Python float); NaN and infinities
are the strings "nan", "inf", "-inf". `error.name` is ExecuTorch's Error name when the
exception carries its code (e.g. "InvalidProgram" for 0x23), otherwise the exception's class;
`error.log` holds the lines ExecuTorch logged while it failed.

`--batch JOBS.json` runs a JSON list of {"program", "method"?, "inputs"?, "data"?} after one
import of torch and ExecuTorch (that takes seconds) and prints a JSON list of documents, one per
job, in order; it exits 0 when every job ran, else 1. The jobs run in a forked child process, so a
program on which ExecuTorch's runtime aborts the process (a failed ET_CHECK) gets the error name
"Crashed" with the signal in its message (exit_code 5) and the batch goes on.

Exit codes mirror the runner contract: 0 ran, 2 usage, 3 bad program or input, 4 unsupported,
5 runtime failure, 7 resource limit.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import struct
import sys
import tempfile
from contextlib import contextmanager
from typing import Any, Iterator

# ExecuTorch's runtime/core/error.h (our native/runtime/error.h uses the same numbers).
ERROR_NAMES = {
    0x00: "Ok", 0x01: "Internal", 0x02: "InvalidState", 0x03: "EndOfMethod", 0x04: "AlreadyLoaded",
    0x10: "NotSupported", 0x11: "NotImplemented", 0x12: "InvalidArgument", 0x13: "InvalidType",
    0x14: "OperatorMissing", 0x15: "RegistrationExceedingMaxKernels", 0x16: "RegistrationAlreadyRegistered",
    0x20: "NotFound", 0x21: "MemoryAllocationFailed", 0x22: "AccessFailed", 0x23: "InvalidProgram",
    0x24: "InvalidExternalData", 0x25: "OutOfResources",
    0x30: "DelegateInvalidCompatibility", 0x31: "DelegateMemoryAllocationFailed", 0x32: "DelegateInvalidHandle",
}
EXIT_CODES = {
    "InvalidProgram": 3, "InvalidArgument": 3, "InvalidType": 3, "NotFound": 3, "InvalidExternalData": 3,
    "AccessFailed": 3, "InputError": 3, "BundledProgramError": 3,
    "NotSupported": 4, "NotImplemented": 4, "OperatorMissing": 4, "DelegateInvalidCompatibility": 4,
    "MemoryAllocationFailed": 7, "OutOfResources": 7, "DelegateMemoryAllocationFailed": 7,
}

# ExecuTorch ScalarType codes (= c10::ScalarType) -> PyTorch names, as the contract spells dtypes.
SCALAR_TYPES = {
    0: "uint8", 1: "int8", 2: "int16", 3: "int32", 4: "int64", 5: "float16", 6: "float32", 7: "float64",
    11: "bool", 15: "bfloat16", 27: "uint16", 28: "uint32", 29: "uint64",
}
FLOATS = {"float16", "float32", "float64", "bfloat16"}
SIGNED = {"int8", "int16", "int32", "int64"}
UNSIGNED = {"uint8", "uint16", "uint32", "uint64"}
MASK64 = (1 << 64) - 1


class Failure(Exception):
    def __init__(self, name: str, message: str, log: list[str] | None = None) -> None:
        super().__init__(message)
        self.name = name
        self.message = message
        self.log = log or []


# --- inputs ------------------------------------------------------------------------------------

class SplitMix64:
    """The runner contract's generator (native/runner/inputs.h)."""

    def __init__(self, seed: int) -> None:
        self.state = seed & MASK64

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)


def random_values(dtype: str, count: int, rng: SplitMix64) -> list[Any]:
    out: list[Any] = []
    for _ in range(count):
        x = rng.next()
        if dtype in FLOATS:
            out.append(((x >> 40) / float(1 << 24)) * 2.0 - 1.0)  # exact in float32; the tensor casts
        elif dtype in SIGNED:
            out.append((x >> 60) - 8)
        elif dtype in UNSIGNED:
            out.append(x >> 60)
        elif dtype == "bool":
            out.append(bool(x >> 63))
        else:
            raise Failure("NotSupported", f"random inputs of dtype {dtype} are not supported")
    return out


def parse_number(v: Any) -> Any:
    if isinstance(v, str):
        if v in ("nan", "inf", "-inf"):
            return float(v)
        raise Failure("InputError", f"bad tensor element {v!r} (numbers, or the strings nan, inf, -inf)")
    return v


def make_tensor(torch: Any, dtype: str, shape: list[int], values: list[Any]) -> Any:
    tdtype = getattr(torch, dtype, None)
    if tdtype is None:
        raise Failure("NotSupported", f"dtype {dtype} is not known to torch")
    if math.prod(shape) != len(values):
        raise Failure("InputError", f"shape {shape} needs {math.prod(shape)} values, {len(values)} given")
    if dtype in ("uint16", "uint32", "uint64"):  # torch cannot build these from Python lists directly
        return torch.tensor(values, dtype=torch.int64).to(tdtype).reshape(shape)
    if dtype in FLOATS and dtype != "float64":
        # Round once, to float32, then to the target: what the C++ runner does for half/bfloat16.
        return torch.tensor(values, dtype=torch.float64).to(torch.float32).to(tdtype).reshape(shape)
    return torch.tensor(values, dtype=tdtype).reshape(shape)


def input_metas(method: Any) -> list[tuple[str, list[int]]]:
    meta = method.metadata
    metas: list[tuple[str, list[int]]] = []
    for i in range(meta.num_inputs()):
        try:
            info = meta.input_tensor_meta(i)
        except Exception as e:  # non-tensor input: ExecuTorch's Python needs its value from the caller
            raise Failure("NotSupported", f"input {i} is not a tensor ({e}); only tensor inputs are supported") from e
        code = int(info.dtype())
        dtype = SCALAR_TYPES.get(code)
        if dtype is None:
            raise Failure("NotSupported", f"input {i} has ScalarType {code}, which this script does not handle")
        metas.append((dtype, [int(s) for s in info.sizes()]))
    return metas


def build_inputs(torch: Any, method: Any, spec: str) -> list[Any]:
    m = re.fullmatch(r"random:(\d+)", spec)
    if m:
        rng = SplitMix64(int(m.group(1)))
        return [make_tensor(torch, d, s, random_values(d, math.prod(s), rng)) for d, s in input_metas(method)]
    if spec.startswith("random:"):
        raise Failure("InputError", f"bad --inputs {spec!r}: random:SEED takes a non-negative integer")
    try:
        with open(spec, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise Failure("InputError", f"cannot read inputs {spec}: {e}") from e
    if not isinstance(doc, list):
        raise Failure("InputError", f"{spec}: expected a JSON list of {{dtype, shape, data}}")
    tensors = []
    for i, t in enumerate(doc):
        try:
            dtype, shape, data = str(t["dtype"]), [int(s) for s in t["shape"]], list(t["data"])
        except (TypeError, KeyError, ValueError) as e:
            raise Failure("InputError", f"{spec}: input {i} is not {{dtype, shape, data}}: {e}") from e
        tensors.append(make_tensor(torch, dtype, shape, [parse_number(v) for v in data]))
    return tensors


# --- outputs -----------------------------------------------------------------------------------

def json_float(v: float) -> Any:
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v  # json.dumps uses repr: the shortest text that round-trips this exact double


def describe_output(torch: Any, value: Any) -> dict[str, Any]:
    if isinstance(value, torch.Tensor):
        t = value.detach().cpu()
        dtype = str(t.dtype).removeprefix("torch.")
        shape = [int(s) for s in t.shape]
        flat = t.reshape(-1)  # logical row-major order, whatever the strides (dim order) are
        if dtype in FLOATS:
            data = [json_float(float(v)) for v in flat.to(torch.float64).tolist()]
        elif dtype == "bool":
            data = [bool(v) for v in flat.tolist()]
        elif dtype in ("uint16", "uint32"):
            data = [int(v) for v in flat.to(torch.int64).tolist()]
        else:
            data = [int(v) for v in flat.tolist()]
        return {"dtype": dtype, "shape": shape, "data": data}
    if isinstance(value, bool):
        return {"dtype": "bool", "shape": [], "data": [value]}
    if isinstance(value, int):
        return {"dtype": "int64", "shape": [], "data": [value]}
    if isinstance(value, float):
        return {"dtype": "float64", "shape": [], "data": [json_float(value)]}
    return {"dtype": type(value).__name__, "shape": [], "data": [repr(value)]}


# --- programs ----------------------------------------------------------------------------------

def program_bytes(path: str) -> bytes:
    """The .pte bytes: the file itself, or the `program` field of a BP08 bundled program."""
    with open(path, "rb") as f:
        data = f.read()
    if data[4:8] != b"BP08":
        return data
    # Minimal FlatBuffers walk: root table -> vtable -> field slot 2 (program: [ubyte]).
    try:
        (root,) = struct.unpack_from("<I", data, 0)
        (soffset,) = struct.unpack_from("<i", data, root)
        vtable = root - soffset
        vt_size, _ = struct.unpack_from("<HH", data, vtable)
        slot = 2
        field = 4 + 2 * slot
        (off,) = struct.unpack_from("<H", data, vtable + field) if field + 2 <= vt_size else (0,)
        if off == 0:
            raise Failure("BundledProgramError", f"{path}: the bundled program has no program field")
        pos = root + off
        (rel,) = struct.unpack_from("<I", data, pos)
        vec = pos + rel
        (length,) = struct.unpack_from("<I", data, vec)
        if vec + 4 + length > len(data):
            raise Failure("BundledProgramError", f"{path}: the program field runs past the end of the file")
        return data[vec + 4 : vec + 4 + length]
    except struct.error as e:
        raise Failure("BundledProgramError", f"{path}: truncated bundled program ({e})") from e


@contextmanager
def captured_stderr(log: list[str]) -> Iterator[None]:
    """Collects what the C++ runtime writes to fd 2 (its ET_LOG lines) and echoes it afterwards."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            text = tmp.read().decode("utf-8", "replace")
            sys.stderr.write(text)
            log.extend(line for line in text.splitlines() if line.strip())


def failure_from(e: BaseException, where: str, log: list[str]) -> Failure:
    if isinstance(e, Failure):
        e.log = e.log or log
        return e
    text = str(e)
    m = re.search(r"(?:error|Error)[: ]*0x:?([0-9a-fA-F]+)", text)
    name = ERROR_NAMES.get(int(m.group(1), 16), type(e).__name__) if m else type(e).__name__
    return Failure(name, f"{where}: {text}", log)


def run(args: argparse.Namespace) -> dict[str, Any]:
    doc: dict[str, Any] = {"program": args.program, "method": args.method, "outputs": None, "error": None}
    try:
        run_one(args, doc)
    except Exception as e:  # a bug here or in the bindings: still one document, never a traceback alone
        doc["error"] = {"name": type(e).__name__, "message": str(e), "log": []}
    doc["exit_code"] = exit_code(doc)
    return doc


def exit_code(doc: dict[str, Any]) -> int:
    """The runner contract's exit code for this document: 0, or what its error maps to."""
    return 0 if doc["error"] is None else EXIT_CODES.get(doc["error"]["name"], 5)


def run_one(args: argparse.Namespace, doc: dict[str, Any]) -> dict[str, Any]:
    log: list[str] = []
    try:
        data = program_bytes(args.program)
        import torch  # noqa: PLC0415 - imports are slow; keep them after argument checks
        from executorch.runtime import Runtime  # noqa: PLC0415

        try:  # quantized_decomposed out variants, for int8 programs that are not delegated
            import executorch.kernels.quantized  # noqa: F401, PLC0415
        except ImportError:
            pass

        runtime = Runtime.get()
        with captured_stderr(log):
            try:
                kwargs = {"data_path": args.data} if args.data else {}
                program = runtime.load_program(data, **kwargs)
            except Exception as e:
                raise failure_from(e, "load_program", log) from e
        names = sorted(program.method_names)
        method_name = args.method or ("forward" if "forward" in names or len(names) != 1 else names[0])
        doc["method"] = method_name
        if method_name not in names:
            raise Failure("NotFound", f"no method {method_name!r}; the program has {names}")
        with captured_stderr(log):
            try:
                method = program.load_method(method_name)
            except Exception as e:
                raise failure_from(e, "load_method", log) from e
        inputs = build_inputs(torch, method, args.inputs)
        with captured_stderr(log):
            try:
                outputs = method.execute(inputs)
            except Exception as e:
                raise failure_from(e, "execute", log) from e
        doc["outputs"] = [describe_output(torch, o) for o in outputs]
    except Failure as f:
        doc["error"] = {"name": f.name, "message": f.message, "log": f.log or log}
    except OSError as e:
        doc["error"] = {"name": "NotFound", "message": str(e), "log": log}
    return doc


def json_stdout() -> Any:
    """The real standard output, for the JSON alone; file descriptor 1 then goes to stderr, because
    native code writes there too (ExecuTorch's Eigen BLAS prints "Eigen BLAS ERROR #10: SGEMM" for
    a K = 0 product), which would corrupt the document."""
    sys.stdout.flush()
    real = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    return real


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("program", nargs="?", help=".pte or .bpte file")
    parser.add_argument("--batch", default=None, help="JSON list of {program, method?, inputs?, data?} run in one process")
    parser.add_argument("--method", default=None, help="method name (default: forward, or the only method)")
    parser.add_argument("--inputs", default="random:0", help="random:SEED or a JSON file of {dtype, shape, data}")
    parser.add_argument("--data", default=None, help=".ptd file with external constant data")
    args = parser.parse_args(argv)
    if args.batch is not None:
        if args.program is not None:
            parser.error("give either PROGRAM or --batch, not both")
        return run_batch(parser, args.batch)
    if args.program is None:
        parser.error("PROGRAM is required (or --batch JOBS.json)")
    out = json_stdout()
    doc = run(args)
    json.dump(doc, out, allow_nan=False)
    out.write("\n")
    out.flush()
    return doc["exit_code"]


def run_batch(parser: argparse.ArgumentParser, path: str) -> int:
    try:
        with open(path, encoding="utf-8") as f:
            jobs = json.load(f)
        if not isinstance(jobs, list) or not all(isinstance(j, dict) and isinstance(j.get("program"), str) for j in jobs):
            raise ValueError("expected a JSON list of {program, method?, inputs?, data?}")
    except (OSError, ValueError) as e:
        parser.error(f"--batch {path}: {e}")
    out = json_stdout()
    docs = run_isolated([job_args(j) for j in jobs])
    json.dump(docs, out, allow_nan=False)
    out.write("\n")
    out.flush()
    return 0 if all(d["error"] is None for d in docs) else 1


def job_args(job: dict[str, Any]) -> argparse.Namespace:
    return argparse.Namespace(program=job["program"], method=job.get("method"), inputs=job.get("inputs", "random:0"), data=job.get("data"))


def run_isolated(jobs: list[argparse.Namespace]) -> list[dict[str, Any]]:
    """One document per job. Some programs make ExecuTorch's C++ runtime abort the process (a failed
    ET_CHECK in a kernel), which would lose every other job's result; so the jobs run in a forked
    child that streams each document back through a pipe, and when a child dies, the job it was on
    gets a "Crashed" document and a new child goes on from the next one. The parent imports torch and
    ExecuTorch first, so a fork costs milliseconds, and never runs a program itself, so every child
    starts from a process in which no kernel (nor its thread pool) has run yet."""
    if not hasattr(os, "fork"):
        return [run(j) for j in jobs]
    preload()
    docs: list[dict[str, Any]] = []
    while len(docs) < len(jobs):
        start = len(docs)
        sys.stdout.flush()
        sys.stderr.flush()
        read_fd, write_fd = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read_fd)
            die_with(parent)
            code = 0
            try:
                with os.fdopen(write_fd, "w", encoding="utf-8") as pipe:
                    for job in jobs[start:]:
                        pipe.write(json.dumps(run(job), allow_nan=False) + "\n")
                        pipe.flush()
            except BaseException:  # noqa: BLE001 - the parent reports the job as crashed
                code = 70
            sys.stderr.flush()
            os._exit(code)
        os.close(write_fd)
        with os.fdopen(read_fd, encoding="utf-8") as pipe:
            # A line cut short by the child's death is not a document.
            docs.extend(json.loads(line) for line in pipe if line.endswith("\n"))
        _, status = os.waitpid(pid, 0)
        if len(docs) < len(jobs):  # the child died on the job after its last document
            docs.append(crashed(jobs[len(docs)], status))
    return docs


def die_with(parent: int) -> None:
    """A caller that times the batch out kills this script's process, not its child: on Linux the
    child asks for SIGKILL when its parent dies, so a hung job cannot outlive the batch."""
    try:
        import ctypes  # noqa: PLC0415
        import signal  # noqa: PLC0415

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the child ends at its next write to the closed pipe instead
    if os.getppid() != parent:  # the parent died before the request
        os._exit(1)


def preload() -> None:
    try:
        import torch  # noqa: F401, PLC0415
        from executorch.runtime import Runtime  # noqa: F401, PLC0415
        import executorch.kernels.quantized  # noqa: F401, PLC0415
    except ImportError:
        pass  # run() reports what is missing, job by job


def crashed(job: argparse.Namespace, status: int) -> dict[str, Any]:
    if os.WIFSIGNALED(status):
        import signal  # noqa: PLC0415

        how = f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    else:
        how = f"exited with status {os.WEXITSTATUS(status) if os.WIFEXITED(status) else status}"
    # A signal is ExecuTorch's runtime giving up (abort on a failed check); status 70 is this
    # script's own failure in the child.
    message = f"the process running this program ended ({how}) before reporting it; the other jobs ran in a new process"
    return {"program": job.program, "method": job.method, "outputs": None, "error": {"name": "Crashed", "message": message, "log": []}, "exit_code": 5}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
