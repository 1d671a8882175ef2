"""One export, start to finish: PyTorch module -> (int8 PT2E quantization) -> torch.export ->
to_edge_transform_and_lower (portable, or the XNNPACK partitioner) -> to_executorch -> .pte,
or a bundled program (.bpte) with seeded inputs and the outputs PyTorch eager computed for
them. The program is then run on ExecuTorch's own runtime: its distance from eager sets the
tolerances written beside the .bpte, and for int8 it is the drift against the float model.

`export_one(request)` never raises for a model's failure: the report's `error` says which
stage failed and why.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import time
import traceback
from typing import Any, Callable

from . import metrics, samples
from .request import ExportRequest


class StageError(Exception):
    def __init__(self, stage: str, cause: BaseException) -> None:
        super().__init__(f"{stage}: {cause}")
        self.stage = stage
        self.cause = cause


def log(request: ExportRequest, text: str) -> None:
    sys.stderr.write(f"etexport: {request.label}: {text}\n")
    sys.stderr.flush()


def load_factory(spec: str) -> Callable[[], Any]:
    """Imports FILE.py (its folder first on sys.path while it loads) and returns its function."""
    file, _, name = spec.rpartition(":")
    path = os.path.abspath(file)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no such file: {file}")
    module_name = "etexport_factory_" + hashlib.sha256(path.encode()).hexdigest()[:12]
    module = sys.modules.get(module_name)
    if module is None:
        loader_spec = importlib.util.spec_from_file_location(module_name, path)
        if loader_spec is None or loader_spec.loader is None:
            raise ImportError(f"cannot import {file}")
        module = importlib.util.module_from_spec(loader_spec)
        sys.path.insert(0, os.path.dirname(path))
        try:
            loader_spec.loader.exec_module(module)
        finally:
            sys.path.remove(os.path.dirname(path))
        sys.modules[module_name] = module
    factory = getattr(module, name, None)
    if not callable(factory):
        raise AttributeError(f"{file} has no function {name}")
    return factory


def tensors_of(torch: Any, value: Any) -> list[Any]:
    from torch.utils._pytree import tree_flatten  # noqa: PLC0415

    return [v for v in tree_flatten(value)[0] if isinstance(v, torch.Tensor)]


def describe(tensors: list[Any]) -> list[dict[str, Any]]:
    return [{"dtype": str(t.dtype).removeprefix("torch."), "shape": [int(s) for s in t.shape]} for t in tensors]


def program_operators(program: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """Operators with their KernelCall counts, and delegate ids, over every method."""
    counts: dict[str, int] = {}
    delegates: list[str] = []
    for plan in program.execution_plan:
        names = [f"{op.name}.{op.overload}" if op.overload else op.name for op in plan.operators]
        for name in names:
            counts.setdefault(name, 0)
        for chain in plan.chains:
            for instruction in chain.instructions:
                op_index = getattr(instruction.instr_args, "op_index", None)
                if type(instruction.instr_args).__name__ == "KernelCall" and op_index is not None:
                    counts[names[op_index]] += 1
        delegates.extend(d.id for d in plan.delegates if d.id not in delegates)
    return [{"name": n, "count": c} for n, c in sorted(counts.items())], delegates


class Export:
    """The state of one export as it moves through the stages."""

    def __init__(self, request: ExportRequest) -> None:
        self.request = request
        self.seconds: dict[str, float] = {}
        self.report: dict[str, Any] = {
            "name": request.label,
            "request": request.to_json(),
            "out": os.path.abspath(request.out),
            "format": "bpte" if request.bundled else "pte",
            "operators": None,
            "delegates": None,
            "inputs": None,
            "outputs": None,
            "executorch": None,
            "drift": None,
            "tolerances": None,
            "tolerance_file": None,
            "bytes": None,
            "seconds": self.seconds,
            "error": None,
        }

    def stage(self, name: str, fn: Callable[[], Any]) -> Any:
        log(self.request, name)
        started = time.perf_counter()
        try:
            return fn()
        except Exception as e:
            raise StageError(name, e) from e
        finally:
            self.seconds[name] = round(time.perf_counter() - started, 3)


def export_one(request: ExportRequest) -> dict[str, Any]:
    job = Export(request)
    started = time.perf_counter()
    try:
        run(job)
    except Exception as e:  # a model's failure is its report's error, never the batch's end
        stage, cause = (e.stage, e.cause) if isinstance(e, StageError) else ("internal", e)
        tb = traceback.format_exception(type(cause), cause, cause.__traceback__)
        job.report["error"] = {
            "stage": stage,
            "name": type(cause).__name__,
            "message": str(cause).strip() or type(cause).__name__,
            "traceback": "".join(tb[-6:]),
        }
        log(request, f"failed in {stage}: {type(cause).__name__}: {cause}")
    job.seconds["total"] = round(time.perf_counter() - started, 3)
    return job.report


def run(job: Export) -> None:
    import torch  # noqa: PLC0415 - slow imports happen once per process, after validation

    request, report = job.request, job.report

    def load() -> Any:
        factory = load_factory(request.factory)
        torch.manual_seed(request.seed)  # random weights are a function of --seed
        module = factory()
        if not isinstance(module, torch.nn.Module):
            raise TypeError(f"{request.factory} returned {type(module).__name__}, not an nn.Module")
        dtypes = {getattr(torch, s.dtype) for s in request.inputs}
        if len(dtypes) == 1 and next(iter(dtypes)) in (torch.float16, torch.bfloat16, torch.float64):
            module = module.to(next(iter(dtypes)))  # float inputs of another width: weights follow
        return module.eval()

    module = job.stage("load", load)
    initial = buffer_snapshot(module)
    cases, calibration = job.stage("inputs", lambda: samples.draw(torch, request))
    report["inputs"] = describe(list(cases[0]))
    with torch.no_grad():
        float_outputs = job.stage("eager", lambda: [tensors_of(torch, module(*c)) for c in cases])
    report["outputs"] = describe(float_outputs[0])
    # A stateful module (a KV cache in buffers) must start every phase from its initial state,
    # as the program starts from zeroed planned memory.
    restore_buffers(torch, module, initial)

    model = module
    if request.quantize is not None:
        model = job.stage("quantize", lambda: quantize(torch, module, cases[0], calibration, getattr(module, "export_dynamic_shapes", None)))
        with torch.no_grad():
            expected = job.stage("eager-quantized", lambda: [tensors_of(torch, model(*c)) for c in cases])
    else:
        expected = float_outputs

    dynamic = getattr(module, "export_dynamic_shapes", None)
    exported = job.stage("export", lambda: torch.export.export(model, cases[0], dynamic_shapes=dynamic))
    edge = job.stage("lower", lambda: lower(exported, request.xnnpack, request.quantize is not None))
    program = job.stage("to_executorch", lambda: edge.to_executorch())
    report["operators"], report["delegates"] = job.stage("operators", lambda: program_operators(program.executorch_program))
    pte = bytes(program.buffer)

    if request.verify:
        outputs = job.stage("verify", lambda: run_on_executorch(torch, pte, cases, expected, report))
    else:
        outputs = None
    if request.quantize is not None:
        quantized = outputs if outputs is not None else expected
        report["drift"] = job.stage("drift", lambda: drift(torch, float_outputs, quantized, outputs is not None))

    data = pte
    if request.bundled:
        data = job.stage("bundle", lambda: bundle(program, cases, expected))
        errors = [c["max_abs_err"] for c in (report["executorch"] or {}).get("cases", [])]
        observed = max(errors) if errors and all(e is not None for e in errors) else None
        tolerance = job.stage("tolerance", lambda: metrics.tolerance(torch, expected, observed, request.quantize is not None))
        report["tolerances"] = [tolerance] * len(cases)
    job.stage("write", lambda: write(request, data, report))
    report["bytes"] = {"pte": len(pte), "file": len(data)}


def quantize(torch: Any, module: Any, example: tuple[Any, ...], calibration: list[tuple[Any, ...]], dynamic: Any = None) -> Any:
    """ExecuTorch's PT2E int8 flow: XNNPACKQuantizer with the symmetric per-channel config,
    observers calibrated on the seeded samples, then converted to quantize/dequantize form."""
    from executorch.backends.xnnpack.quantizer.xnnpack_quantizer import (  # noqa: PLC0415
        XNNPACKQuantizer,
        get_symmetric_quantization_config,
    )
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e  # noqa: PLC0415

    captured = torch.export.export(module, example, dynamic_shapes=dynamic).module()
    initial = buffer_snapshot(captured)
    quantizer = XNNPACKQuantizer().set_global(get_symmetric_quantization_config(is_per_channel=True))
    prepared = prepare_pt2e(captured, quantizer)
    with torch.no_grad():
        for sample in calibration:
            prepared(*sample)
    # Calibration wrote into any mutable state (a KV cache); the observers' statistics stay.
    restore_buffers(torch, prepared, initial)
    return convert_pt2e(prepared)


def buffer_snapshot(module: Any) -> dict[str, Any]:
    return {name: b.detach().clone() for name, b in module.named_buffers()}


def restore_buffers(torch: Any, module: Any, snapshot: dict[str, Any]) -> None:
    """Puts back the buffers named in `snapshot` (others, such as observers added since, are kept)."""
    with torch.no_grad():
        for name, b in module.named_buffers():
            if name in snapshot and snapshot[name].shape == b.shape:
                b.copy_(snapshot[name])


def lower(exported: Any, xnnpack: bool, quantized: bool) -> Any:
    from executorch.exir import to_edge_transform_and_lower  # noqa: PLC0415

    partitioners = []
    if xnnpack:
        from executorch.backends.xnnpack.partition.xnnpack_partitioner import XnnpackPartitioner  # noqa: PLC0415

        partitioners.append(XnnpackPartitioner())
    if quantized:
        # quantized_decomposed ops left outside a delegate need out variants; they live here.
        import executorch.kernels.quantized  # noqa: F401, PLC0415
    return to_edge_transform_and_lower(exported, partitioner=partitioners or None)


def run_on_executorch(torch: Any, pte: bytes, cases: list[tuple[Any, ...]], expected: list[list[Any]], report: dict[str, Any]) -> list[list[Any]] | None:
    """Runs every case on ExecuTorch's runtime; records how far each output is from `expected`.
    Returns the outputs, or None when ExecuTorch cannot run the program (recorded, not raised)."""
    from executorch.runtime import Runtime  # noqa: PLC0415

    result: dict[str, Any] = {"ran": False, "error": None, "cases": []}
    report["executorch"] = result
    try:
        method = Runtime.get().load_program(pte).load_method("forward")
        outputs = [tensors_of(torch, method.execute(list(case))) for case in cases]
    except Exception as e:  # ExecuTorch refusing the program is a finding, not an export failure
        result["error"] = f"{type(e).__name__}: {e}"
        return None
    result["ran"] = True
    for i, (got, want) in enumerate(zip(outputs, expected)):
        per_output = [dict(output=j, **metrics.compare(torch, w, g)) for j, (w, g) in enumerate(zip(want, got))]
        errors = [o["max_abs_err"] for o in per_output]
        numeric = [e for e in errors if isinstance(e, float)]
        worst = max(numeric, default=0.0) if len(numeric) == len(errors) else None  # None: nan, inf or a shape mismatch
        result["cases"].append({"case": i, "max_abs_err": worst, "outputs": per_output})
    return outputs


def drift(torch: Any, float_outputs: list[list[Any]], quantized: list[list[Any]], on_executorch: bool) -> dict[str, Any]:
    """Per output over all cases: the largest |float - int8| and the smallest cosine."""
    rows = []
    for j in range(len(float_outputs[0])):
        compared = [metrics.compare(torch, f[j], q[j]) for f, q in zip(float_outputs, quantized)]
        errs = [c["max_abs_err"] for c in compared if isinstance(c["max_abs_err"], float)]
        cosines = [c["cosine"] for c in compared if isinstance(c["cosine"], float)]
        rows.append({
            "output": j,
            "max_abs_err": max(errs) if errs else None,
            "cosine": min(cosines) if cosines else None,
            "float_max_abs": metrics.max_abs(torch, [f[j] for f in float_outputs]),
        })
    return {"measured_on": "executorch" if on_executorch else "pytorch", "outputs": rows}


def bundle(program: Any, cases: list[tuple[Any, ...]], expected: list[list[Any]]) -> bytes:
    from executorch.devtools.bundled_program.config import MethodTestCase, MethodTestSuite  # noqa: PLC0415
    from executorch.devtools.bundled_program.core import BundledProgram  # noqa: PLC0415
    from executorch.devtools.bundled_program.serialize import serialize_from_bundled_program_to_flatbuffer  # noqa: PLC0415

    tests = [MethodTestCase(inputs=list(c), expected_outputs=list(e)) for c, e in zip(cases, expected)]
    return serialize_from_bundled_program_to_flatbuffer(BundledProgram(program, [MethodTestSuite("forward", tests)]))


def write(request: ExportRequest, data: bytes, report: dict[str, Any]) -> None:
    """Writes the file (and, for a .bpte, `<stem>.tolerances.json` beside it) atomically."""
    import json  # noqa: PLC0415

    out = os.path.abspath(request.out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    atomic_write(out, data)
    if report["tolerances"] is not None:
        stem = os.path.basename(out).rsplit(".", 1)[0]
        path = os.path.join(os.path.dirname(out), f"{stem}.tolerances.json")
        doc = [{"method": "forward", "cases": report["tolerances"]}]
        atomic_write(path, (json.dumps(doc, indent=2) + "\n").encode())
        report["tolerance_file"] = path


def atomic_write(path: str, data: bytes) -> None:
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
