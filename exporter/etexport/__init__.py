"""etexport: the real ExecuTorch exporter, wrapped for `etbench export` (see docs/export.md).

    from etexport.request import request_from_json
    from etexport.pipeline import export_one

    report = export_one(request_from_json({
        "factory": "models.py:tiny", "inputs": [{"shape": [2, 3]}, {"shape": [2, 3]}],
        "out": "tiny.bpte", "xnnpack": False, "quantize": None, "seed": 0,
    }))
    print(report["operators"], report["error"])

Modules: request (validation), samples (seeded inputs), pipeline (export -> lower -> bundle ->
check on ExecuTorch's runtime), metrics (differences, tolerances), zoo (the suite's
architectures), cli (exporter/export.py's command line). Nothing here imports torch at module
level except zoo, so a bad request fails fast.
"""
