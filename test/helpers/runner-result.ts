// A complete, hand-written runner document (version 1) that satisfies result.schema.json, for
// tests that need a valid RunnerResult without running etrun. Typed, so the compiler checks that
// result.ts has exactly these keys; test/runner/result-schema.test.ts checks the schema does too.

import type { RunnerResult } from '../../native/runner/index.js';

export function validRunnerResult(): RunnerResult {
  return {
    schema_version: 1,
    runtime: { version: '0.1.0', git: '0123456789abcdef0123456789abcdef01234567', isa: ['sse4.2', 'avx2'], build: 'release' },
    device: { unit_id: null, os: 'linux', arch: 'x86_64', cpu_model: 'Intel(R) Xeon(R) Platinum 8480+', cores: 16 },
    program: {
      path: '/fixtures/module_test_bundled_program.bpte',
      sha256: '955750e9eb1072d160680be78e1207cba11bb8843b0c40cc56cc19d6b36f54c8',
      method: 'forward',
    },
    config: {
      kernels: 'portable',
      backends: [],
      threads: 1,
      warmup: 5,
      iterations: 3,
      min_seconds: 0,
      inject_slowdown_pct: 0,
      inputs: 'bundled',
      case: 0,
    },
    load_ms: 0.21,
    init_ms: 0.05,
    latency_ms: { samples: [0.0031, 0.0029, 0.003], batch: 8, min: 0.0029, p50: 0.003, p90: 0.0031, p99: 0.0031, mean: 0.003, stddev: 0.0001 },
    memory: { planned_bytes: [48], method_allocator_bytes: 1200, temp_allocator_peak_bytes: 0, peak_rss_bytes: 3_145_728 },
    correctness: [{ output: 0, pass: true, max_abs_err: 0, max_rel_err: 0, cosine: 1, rtol: 1e-5, atol: 1e-8 }],
    outputs: [
      { dtype: 'int32', shape: [2, 2], data: [2, 2, 2, 2] },
      { dtype: 'float32', shape: [3], data: [1.5, 'nan', '-inf'] },
      { dtype: 'bool', shape: [], data: [true] },
    ],
    op_profile: [
      { chain: 0, instruction: 0, name: 'aten::mul.out', kind: 'kernel', backend: null, calls: 24, total_ns: 1800 },
      { chain: 0, instruction: 1, name: 'XnnpackBackend', kind: 'delegate', backend: 'XnnpackBackend', calls: 24, total_ns: 2400 },
    ],
    delegate_fraction: 0.57,
    cycles: null,
    trials: null,
    conditions: null,
    generation: null,
    error: null,
  };
}
