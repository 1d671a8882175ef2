// The runner's JSON document, version 1 (../../../shared/docs/runner-contract.md), as TypeScript.
// Written by hand to match result.schema.json one to one: every key is always present and an
// absent value is `null`, never a missing key. validateRunnerResult() is the only way a value
// of unknown shape becomes a RunnerResult.

import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { RunnerResultInvalidError } from './errors.js';
import { packagePath } from './paths.js';

export const RUNNER_SCHEMA_VERSION = 1;

/** The kernel sets a runtime configuration chooses from; both include quantized and prim ops. */
export type KernelSet = 'portable' | 'optimized';
export const KERNEL_SETS: readonly KernelSet[] = ['portable', 'optimized'];

/** A number that may be NaN or infinite: JSON carries those as strings. */
export type Real = number | 'nan' | 'inf' | '-inf';

/** PyTorch's dtype names. */
export type Dtype =
  | 'bool' | 'uint8' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint16' | 'uint32' | 'uint64'
  | 'float16' | 'bfloat16' | 'float32' | 'float64';

/** A tensor by value; `data` is flat, in logical row-major order of `shape`. */
export interface TensorValue {
  dtype: Dtype;
  shape: number[];
  data: Array<Real | boolean>;
}

export interface RunnerRuntime {
  version: string;
  git: string;
  isa: string[];
  /** `release`, `asan`, ... */
  build: string;
}

export interface RunnerDevice {
  unit_id: string | null;
  os: string;
  arch: string;
  cpu_model: string;
  cores: number;
}

export interface RunnerProgram {
  path: string;
  sha256: string | null;
  /** null when the program could not be read far enough to choose a method. */
  method: string | null;
}

export interface RunnerConfig {
  kernels: KernelSet;
  backends: string[];
  threads: number;
  warmup: number;
  iterations: number;
  min_seconds: number;
  /** Validation only: `etrun --inject-slowdown PCT` slowed every execute by PCT %; 0 normally. */
  inject_slowdown_pct: number;
  /** `bundled`, `random:SEED` or the path of an inputs file. */
  inputs: string;
  case: number | null;
}

export interface LatencyMs {
  /** Per-execute times in milliseconds, in the order measured. */
  samples: number[];
  /** Executes timed together per sample. */
  batch: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  /** null with fewer than two samples. */
  stddev: number | null;
}

export interface RunnerMemory {
  /** Entry i is the planned buffer with mem_id i + 1 (the reserved entry 0 is left out). */
  planned_bytes: number[];
  method_allocator_bytes: number;
  temp_allocator_peak_bytes: number;
  peak_rss_bytes: number | null;
}

export interface CorrectnessCheck {
  output: number;
  pass: boolean;
  max_abs_err: Real;
  max_rel_err: Real;
  cosine: Real | null;
  rtol: number;
  atol: number;
}

export type OpKind = 'kernel' | 'delegate';

export interface OpProfileEntry {
  chain: number;
  instruction: number;
  name: string;
  kind: OpKind;
  backend: string | null;
  calls: number;
  total_ns: number;
}

export interface GenerationStats {
  prompt_tokens: number;
  generated_tokens: number;
  ttft_ms: number;
  prefill_tokens_per_s: number;
  decode_tokens_per_s: number;
}

/** `code` is the process exit code (see RUNNER_EXIT_CODES). */
export interface RunnerError {
  code: number;
  name: string;
  message: string;
}

export interface RunnerResult {
  schema_version: 1;
  runtime: RunnerRuntime;
  device: RunnerDevice;
  program: RunnerProgram;
  config: RunnerConfig;
  /** Not null when `error` is null; the same holds for init_ms, latency_ms and memory, except on a
   * microcontroller (cycles not null), where the time fields may be null. */
  load_ms: number | null;
  init_ms: number | null;
  latency_ms: LatencyMs | null;
  memory: RunnerMemory | null;
  /** null when there is nothing to compare with. */
  correctness: CorrectnessCheck[] | null;
  /** null unless --print-outputs. */
  outputs: TensorValue[] | null;
  /** null unless --profile. */
  op_profile: OpProfileEntry[] | null;
  delegate_fraction: number | null;
  cycles: number | null;
  /** Filled by the agent in a later feature; its record is not fixed yet. */
  trials: Array<Record<string, unknown>> | null;
  conditions: Record<string, unknown> | null;
  generation: GenerationStats | null;
  error: RunnerError | null;
}

let compiled: ValidateFunction | null = null;

function validator(): ValidateFunction {
  if (compiled === null) {
    const schema = JSON.parse(readFileSync(packagePath('native', 'runner', 'result.schema.json'), 'utf8')) as object;
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/**
 * Checks a parsed JSON value against result.schema.json, plus the one rule a schema cannot say
 * (a tensor's data has as many elements as its shape), and returns it typed.
 * @throws RunnerResultInvalidError listing every violation as `/json/pointer: problem`.
 */
export function validateRunnerResult(json: unknown): RunnerResult {
  const validate = validator();
  if (!validate(json)) {
    const violations = (validate.errors ?? []).map(
      (e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}${e.keyword === 'additionalProperties' ? ` (${String(e.params['additionalProperty'])})` : ''}`,
    );
    throw new RunnerResultInvalidError(violations);
  }
  const result = json as RunnerResult;
  const violations = (result.outputs ?? []).flatMap((t, i) => {
    const elements = t.shape.reduce((n, d) => n * d, 1);
    return t.data.length === elements ? [] : [`/outputs/${i}/data: has ${t.data.length} elements, shape [${t.shape.join(', ')}] needs ${elements}`];
  });
  if (violations.length > 0) throw new RunnerResultInvalidError(violations);
  return result;
}
