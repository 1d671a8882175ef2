// `etbench run` options: parseRunArgs() turns argv into raw strings, compileRunOptions() fills
// defaults and validates. Everything after compileRunOptions() uses the compiled RunOptions.

import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { KERNEL_SETS, type KernelSet } from '../../native/runner/index.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { availableDevices, selectDevices } from './devices.js';
import { DEFAULT_SUITE, SUITES, etbenchHomeOf, type SuiteName } from './suites.js';
import { compileTrialOptions } from './trial-options.js';
import type { Device } from './types.js';
import type { TrialPolicy } from '../../proto/index.js';

export type RunFormat = 'table' | 'json' | 'junit' | 'markdown';
export const RUN_FORMATS: readonly RunFormat[] = ['table', 'json', 'junit', 'markdown'];
export const DEFAULT_TIMEOUT_S = 300;

/** Options as the user wrote them; numbers may be strings (from argv) or numbers (from code). */
export interface RawRunOptions {
  devices?: readonly string[];
  programs?: readonly string[];
  suite?: string;
  method?: string;
  kernels?: string;
  iterations?: string | number;
  warmup?: string | number;
  threads?: string | number;
  format?: string;
  timeout?: string | number;
  backends?: string;
  'min-seconds'?: string | number;
  orchestrator?: string;
  token?: string;
  out?: string;
  runtime?: string;
  'runtime-abi'?: string;
  'runtime-git'?: string;
  trials?: string | number;
  'target-ci'?: string | number;
  'trial-seconds'?: string | number;
  profile?: boolean;
  help?: boolean;
}

export interface RunOptions {
  /** The devices selected here (embedded mode); empty with --orchestrator, which selects itself. */
  devices: Device[];
  /** --devices as given, comma lists split: what is sent to the orchestrator. */
  selectors: string[];
  /** HOST:PORT of a farm; null starts an embedded orchestrator and a local agent. */
  orchestrator: string | null;
  /** Token for --orchestrator: --token, $ETBENCH_TOKEN, or $ETBENCH_HOME/token. */
  token: string | null;
  /** Write the report here instead of standard output. */
  out: string | null;
  backends: string[] | null;
  minSeconds: number | null;
  /** An etrun build to upload and run instead of the devices' own (absolute path), with its ABI and git hash. */
  runtime: { path: string; abi: string; git: string | null } | null;
  /** Absolute paths; null means the suite named by `suite`, written under `home`. */
  programs: string[] | null;
  suite: SuiteName;
  /** $ETBENCH_HOME, absolute. */
  home: string;
  method: string | null;
  kernels: KernelSet;
  iterations: number | null;
  warmup: number | null;
  threads: number | null;
  format: RunFormat;
  timeoutS: number;
  /** --trials/--target-ci/--trial-seconds; null: one launch per job. */
  trialPolicy: TrialPolicy | null;
  /** --profile: each job also launches the runner with --profile after its timed run. */
  profile: boolean;
}

/**
 * Parses `etbench run` arguments. `--programs` takes every following word that is not a flag,
 * so `--programs a.pte b.bpte` names two programs.
 * @throws UsageError for unknown flags, missing values and stray words.
 */
export function parseRunArgs(argv: readonly string[]): RawRunOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      tokens: true,
      options: {
        devices: { type: 'string', multiple: true },
        programs: { type: 'string', multiple: true },
        suite: { type: 'string' },
        method: { type: 'string' },
        kernels: { type: 'string' },
        iterations: { type: 'string' },
        warmup: { type: 'string' },
        threads: { type: 'string' },
        format: { type: 'string' },
        timeout: { type: 'string' },
        backends: { type: 'string' },
        'min-seconds': { type: 'string' },
        orchestrator: { type: 'string' },
        token: { type: 'string' },
        out: { type: 'string' },
        runtime: { type: 'string' },
        'runtime-abi': { type: 'string' },
        'runtime-git': { type: 'string' },
        trials: { type: 'string' },
        'target-ci': { type: 'string' },
        'trial-seconds': { type: 'string' },
        profile: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (cause) {
    throw new UsageError(`run: ${(cause as Error).message}`, { cause });
  }
  const programs = [...(parsed.values.programs ?? [])];
  let lastOption: string | null = null;
  for (const token of parsed.tokens) {
    if (token.kind === 'option') lastOption = token.name;
    else if (token.kind === 'positional') {
      if (lastOption !== 'programs') throw new UsageError(`run: unexpected argument '${token.value}' (programs go after --programs)`);
      programs.push(token.value);
    } else if (token.kind === 'option-terminator') lastOption = null;
  }
  const { values } = parsed;
  const raw: RawRunOptions = { programs };
  if (values.devices !== undefined) raw.devices = values.devices;
  for (const key of ['suite', 'method', 'kernels', 'iterations', 'warmup', 'threads', 'format', 'timeout', 'backends', 'min-seconds', 'orchestrator', 'token', 'out', 'runtime', 'runtime-abi', 'runtime-git', 'trials', 'target-ci', 'trial-seconds'] as const) {
    const value = values[key];
    if (value !== undefined) raw[key] = value;
  }
  if (values.help === true) raw.help = true;
  if (values.profile === true) raw.profile = true;
  return raw;
}

function integer(flag: string, value: string | number | undefined, min: number): number | null {
  if (value === undefined) return null;
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${flag} must be an integer >= ${min}, got '${value}'`);
  }
  return n;
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, got '${value}'`);
  }
  return value as T;
}

function runtimePath(file: string, cwd: string): string {
  const absolute = path.resolve(cwd, file);
  try {
    if (statSync(absolute).isFile()) return absolute;
  } catch {
    // below
  }
  throw new UsageError(`--runtime: no such file: ${file}`);
}

function programPaths(files: readonly string[], cwd: string): string[] {
  return files.map((file) => {
    const absolute = path.resolve(cwd, file);
    let isFile = false;
    try {
      isFile = statSync(absolute).isFile();
    } catch {
      // reported below
    }
    if (!isFile) throw new UsageError(`--programs: no such file: ${file}`);
    return absolute;
  });
}

export const ZOO_ITERATIONS = 10;
export const ZOO_WARMUP = 1;

/** True when the run is the zoo suite (given or by default), whose iteration defaults are smaller. */
function zooDefaults(raw: RawRunOptions): boolean {
  return (raw.programs === undefined || raw.programs.length === 0) && (raw.suite ?? DEFAULT_SUITE) === 'zoo';
}

function suiteOf(raw: RawRunOptions): SuiteName {
  const suite = oneOf('suite', raw.suite, SUITES, DEFAULT_SUITE);
  if (raw.suite !== undefined && raw.programs !== undefined && raw.programs.length > 0) throw new UsageError('--suite and --programs exclude each other: give one');
  return suite;
}

/**
 * Fills defaults and validates every option.
 * @throws UsageError naming the offending flag.
 */
export function compileRunOptions(raw: RawRunOptions, context: Pick<CliIo, 'cwd' | 'env'>): RunOptions {
  const timeout = raw.timeout === undefined ? DEFAULT_TIMEOUT_S : Number(raw.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0 || (typeof raw.timeout === 'string' && raw.timeout.trim() === '')) {
    throw new UsageError(`--timeout must be a number of seconds > 0, got '${String(raw.timeout)}'`);
  }
  if (raw.method !== undefined && raw.method.trim() === '') throw new UsageError('--method must not be empty');
  const orchestrator = raw.orchestrator ?? null;
  if (orchestrator !== null && !/^[^\s:]+:\d+$/.test(orchestrator)) throw new UsageError(`--orchestrator must be HOST:PORT, got '${orchestrator}'`);
  const selectors = (raw.devices ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (orchestrator !== null && selectors.length === 0) throw new UsageError('--devices is required: use --devices all');
  const minSeconds = raw['min-seconds'] === undefined ? null : Number(raw['min-seconds']);
  if (minSeconds !== null && (!Number.isFinite(minSeconds) || minSeconds < 0)) throw new UsageError(`--min-seconds must be a number >= 0, got '${String(raw['min-seconds'])}'`);
  return {
    // The embedded farm has only this host; a remote orchestrator checks selectors itself.
    devices: orchestrator === null ? selectDevices(raw.devices ?? [], availableDevices(context.env)) : [],
    selectors,
    orchestrator,
    token: raw.token ?? null,
    out: raw.out === undefined ? null : path.resolve(context.cwd, raw.out),
    backends: raw.backends === undefined ? null : raw.backends.split(',').map((b) => b.trim()).filter((b) => b !== ''),
    minSeconds,
    runtime: raw.runtime === undefined ? null : {
      path: runtimePath(raw.runtime, context.cwd),
      abi: raw['runtime-abi'] ?? `${process.platform}-${process.arch}`,
      git: raw['runtime-git'] ?? null,
    },
    programs: raw.programs === undefined || raw.programs.length === 0 ? null : programPaths(raw.programs, context.cwd),
    suite: suiteOf(raw),
    home: etbenchHomeOf(context.env, context.cwd),
    method: raw.method ?? null,
    kernels: oneOf('kernels', raw.kernels, KERNEL_SETS, 'portable'),
    // The zoo holds models of seconds per call on portable kernels: fewer runs than etrun's
    // 3 + 20 keep the README's first command within minutes (docs/getting-started.md).
    iterations: integer('iterations', raw.iterations, 1) ?? (zooDefaults(raw) ? ZOO_ITERATIONS : null),
    warmup: integer('warmup', raw.warmup, 0) ?? (zooDefaults(raw) ? ZOO_WARMUP : null),
    threads: integer('threads', raw.threads, 1),
    format: oneOf('format', raw.format, RUN_FORMATS, 'table'),
    timeoutS: timeout,
    trialPolicy: compileTrialOptions(raw),
    profile: raw.profile === true,
  };
}
