// `etbench crosscheck` options: parseCrosscheckArgs() turns argv into raw values,
// compileCrosscheckOptions() fills defaults and validates. Everything after uses CrosscheckOptions.

import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { KERNEL_SETS, type KernelSet } from '../../native/runner/index.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';

export interface RawCrosscheckOptions {
  programs?: readonly string[];
  inputs?: readonly string[];
  method?: string;
  kernels?: string;
  atol?: string | number;
  rtol?: string | number;
  json?: boolean;
  timeout?: string | number;
  help?: boolean;
}

/** Where a check's inputs come from; both runtimes get the same tensors. */
export type CrosscheckInputs =
  | { kind: 'random'; seed: number }
  | { kind: 'bundled'; case: number }
  | { kind: 'file'; path: string };

export interface CrosscheckOptions {
  /** Absolute paths of .pte / .bpte files. */
  programs: string[];
  /** Every program is checked once per entry. */
  inputs: CrosscheckInputs[];
  method: string | null;
  kernels: KernelSet;
  atol: number;
  rtol: number;
  format: 'table' | 'json';
  /** Limit for each etrun run, and for the ExecuTorch batch as a whole. */
  timeoutS: number;
}

export const CROSSCHECK_HELP = `Usage: etbench crosscheck FILE... [--inputs random:SEED|bundled[:CASE]|INPUTS.json]...
                          [--method NAME] [--kernels portable|optimized] [--atol X] [--rtol X]
                          [--json] [--timeout S]

Runs each program on our runtime (etrun) and on ExecuTorch's own Python runtime
(exporter/run_executorch.py in .venv) with the same inputs, and reports per output the largest
difference, plus each side's exit code and error. All ExecuTorch runs share one Python process.

  FILE...               .pte or .bpte programs
  --inputs SPEC         random:SEED   the runner contract's seeded inputs (default random:0)
                        bundled[:N]   test case N (default 0) of a .bpte
                        FILE.json     the contract's [{dtype, shape, data}]
                        Repeat it to check each program with several inputs.
  --method NAME         the method (default: forward, or the only one)
  --kernels SET         etrun's kernel set: portable (default) or optimized
  --atol X, --rtol X    outputs agree when |ours - theirs| <= atol + rtol*|theirs| (default 0, 0:
                        equal values); "identical" always means bit for bit as float32
  --json                one JSON document instead of the table
  --timeout S           seconds per etrun run and for the ExecuTorch batch (default 600)
  -h, --help            this help

Exit codes: 0 every check agrees, 1 a check disagrees or a runtime failed on it (listed), or the
Python environment or etrun is missing, 2 usage error.
`;

/** @throws UsageError for unknown flags and missing values. */
export function parseCrosscheckArgs(argv: readonly string[]): RawCrosscheckOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        inputs: { type: 'string', multiple: true },
        method: { type: 'string' },
        kernels: { type: 'string' },
        atol: { type: 'string' },
        rtol: { type: 'string' },
        json: { type: 'boolean' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (cause) {
    throw new UsageError(`crosscheck: ${(cause as Error).message}`, { cause });
  }
  const v = parsed.values;
  const raw: RawCrosscheckOptions = { programs: parsed.positionals };
  if (v.inputs !== undefined) raw.inputs = v.inputs;
  for (const key of ['method', 'kernels', 'atol', 'rtol', 'timeout'] as const) {
    const value = v[key];
    if (value !== undefined) raw[key] = value;
  }
  if (v.json === true) raw.json = true;
  if (v.help === true) raw.help = true;
  return raw;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function parseInputs(spec: string, cwd: string): CrosscheckInputs {
  const random = /^random:(\d+)$/.exec(spec);
  if (random !== null) return { kind: 'random', seed: Number(random[1]) };
  const bundled = /^bundled(?::(\d+))?$/.exec(spec);
  if (bundled !== null) return { kind: 'bundled', case: Number(bundled[1] ?? 0) };
  if (spec.startsWith('random:') || spec.startsWith('bundled:')) throw new UsageError(`--inputs: bad '${spec}' (random:SEED or bundled:CASE take a non-negative integer)`);
  const file = path.resolve(cwd, spec);
  if (!isFile(file)) throw new UsageError(`--inputs: no such file: ${spec} (or use random:SEED, bundled[:CASE])`);
  return { kind: 'file', path: file };
}

function nonNegative(flag: string, value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (typeof value === 'string' && value.trim() === '')) throw new UsageError(`--${flag} must be a number >= 0, got '${value}'`);
  return n;
}

/** @throws UsageError naming the offending flag. */
export function compileCrosscheckOptions(raw: RawCrosscheckOptions, context: Pick<CliIo, 'cwd'>): CrosscheckOptions {
  const files = raw.programs ?? [];
  if (files.length === 0) throw new UsageError('crosscheck: at least one FILE (.pte or .bpte) is required');
  const programs = files.map((f) => {
    const file = path.resolve(context.cwd, f);
    if (!isFile(file)) throw new UsageError(`crosscheck: no such file: ${f}`);
    return file;
  });
  const kernels = raw.kernels ?? 'portable';
  if (!(KERNEL_SETS as readonly string[]).includes(kernels)) throw new UsageError(`--kernels must be one of ${KERNEL_SETS.join(', ')}, got '${kernels}'`);
  if (raw.method !== undefined && raw.method.trim() === '') throw new UsageError('--method must not be empty');
  const timeout = nonNegative('timeout', raw.timeout, 600);
  if (timeout === 0) throw new UsageError('--timeout must be a number of seconds > 0');
  return {
    programs,
    inputs: (raw.inputs ?? ['random:0']).map((s) => parseInputs(s, context.cwd)),
    method: raw.method ?? null,
    kernels: kernels as KernelSet,
    atol: nonNegative('atol', raw.atol, 0),
    rtol: nonNegative('rtol', raw.rtol, 0),
    format: raw.json === true ? 'json' : 'table',
    timeoutS: timeout,
  };
}

export function inputsLabel(inputs: CrosscheckInputs): string {
  switch (inputs.kind) {
    case 'random':
      return `random:${inputs.seed}`;
    case 'bundled':
      return `bundled:${inputs.case}`;
    case 'file':
      return path.basename(inputs.path);
  }
}
