// `etbench export` options: parseExportArgs() turns argv into raw values, compileExportOptions()
// fills defaults and validates. Everything after that uses ExportOptions.

import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { KERNEL_SETS, type KernelSet } from '../../native/runner/index.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { EXPORT_DTYPES, QUANTIZE_MODES, type ExportDtype, type ExportRequest, type Quantize } from './exporter.js';
import { SUITE_MODELS, SUITE_VARIANTS, type SuiteVariant } from './suite-models.js';

export interface RawExportOptions {
  factory?: string;
  inputShape?: readonly string[];
  dtype?: readonly string[];
  xnnpack?: boolean;
  quantize?: string;
  seed?: string | number;
  cases?: string | number;
  calibration?: string | number;
  verify?: boolean;
  name?: string;
  out?: string;
  suite?: string;
  models?: string;
  variants?: string;
  force?: boolean;
  kernels?: string;
  json?: boolean;
  verbose?: boolean;
  timeout?: string | number;
  help?: boolean;
}

interface CommonOptions {
  /** The kernel set the operator check assumes etrun runs with. */
  kernels: KernelSet;
  format: 'text' | 'json';
  /** Pass the exporter's standard error (torch's logs) through. */
  verbose: boolean;
  timeoutS: number;
}

export interface ModelExportOptions extends CommonOptions {
  kind: 'model';
  request: ExportRequest;
}

export interface SuiteExportOptions extends CommonOptions {
  kind: 'suite';
  suite: 'real';
  outDir: string;
  models: string[];
  variants: SuiteVariant[];
  /** Export again even when the cache holds a current file. */
  force: boolean;
}

export type ExportOptions = ModelExportOptions | SuiteExportOptions;

export const EXPORT_HELP = `Usage: etbench export FILE.py:FUNCTION --input-shape N,C,H,W [--input-shape ...] --out MODEL.bpte
                      [--dtype DTYPE ...] [--xnnpack] [--quantize int8] [--seed N] [--cases N]
                      [--calibration N] [--no-verify] [--name NAME]
       etbench export --suite real [--out DIR] [--models a,b] [--variants portable,xnnpack,int8] [--force]

Exports a PyTorch module with the real ExecuTorch exporter (.venv, \`etbench setup python\`):
torch.export -> to_edge_transform_and_lower (portable, or XNNPACK) -> to_executorch. A .bpte
bundles seeded test inputs with the outputs PyTorch eager computed (and a <stem>.tolerances.json
beside it); a .pte is the program alone. The program is then run on ExecuTorch's own runtime,
and its operators and delegates are checked against \`etrun --capabilities\`: what our runtime
lacks is printed by name.

  FILE.py:FUNCTION      a function taking no arguments that returns an nn.Module
  --input-shape SIZES   one per model input, in order, e.g. 1,3,224,224
  --dtype DTYPE         input dtype, once for all inputs or once per input (default float32):
                        ${EXPORT_DTYPES.join(', ')}
  --xnnpack             delegate what XNNPACK supports to XnnpackBackend
  --quantize int8       int8 post-training quantization (PT2E, XNNPACKQuantizer, per-channel),
                        calibrated on seeded samples; reports drift against the float model
  --seed N              seeds the weights, test inputs and calibration samples (default 0)
  --cases N             bundled test cases (default 2)
  --calibration N       calibration samples for --quantize (default 8)
  --no-verify           do not run the program on ExecuTorch's runtime afterwards
  --name NAME           the model's name in the report (default: FUNCTION)
  --out FILE            the .bpte or .pte to write (required without --suite)

  --suite real          the real-exporter suite: ${SUITE_MODELS.map((m) => m.name).join(', ')};
                        each ${SUITE_VARIANTS.join(', ')} (XNNPACK int8). Cached: only missing
                        or outdated files are exported. --out DIR (default $ETBENCH_HOME/export-suite)
  --models LIST         only these suite models (comma-separated)
  --variants LIST       only these variants (comma-separated)
  --force               export again even when the cached file is current

  --kernels SET         the etrun kernel set to check operators against: portable (default) or optimized
  --json                print the report(s) as JSON instead of a summary
  --verbose             pass the exporter's log (torch, ExecuTorch) through to standard error
  --timeout S           seconds the exporter may take in all (default 900; 3600 with --suite)
  -h, --help            this help

Exit codes: 0 exported (missing operators are a warning), 1 an export failed or the Python
environment is missing, 2 usage error.
`;

/**
 * @throws UsageError for unknown flags, missing values and stray words.
 */
export function parseExportArgs(argv: readonly string[]): RawExportOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        'input-shape': { type: 'string', multiple: true },
        dtype: { type: 'string', multiple: true },
        xnnpack: { type: 'boolean' },
        quantize: { type: 'string' },
        seed: { type: 'string' },
        cases: { type: 'string' },
        calibration: { type: 'string' },
        'no-verify': { type: 'boolean' },
        name: { type: 'string' },
        out: { type: 'string' },
        suite: { type: 'string' },
        models: { type: 'string' },
        variants: { type: 'string' },
        force: { type: 'boolean' },
        kernels: { type: 'string' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (cause) {
    throw new UsageError(`export: ${(cause as Error).message}`, { cause });
  }
  const v = parsed.values;
  if (parsed.positionals.length > 1) throw new UsageError(`export: one FILE.py:FUNCTION at a time, got ${parsed.positionals.length}`);
  const raw: RawExportOptions = {};
  if (parsed.positionals[0] !== undefined) raw.factory = parsed.positionals[0];
  if (v['input-shape'] !== undefined) raw.inputShape = v['input-shape'];
  if (v.dtype !== undefined) raw.dtype = v.dtype;
  if (v['no-verify'] === true) raw.verify = false;
  for (const key of ['xnnpack', 'force', 'json', 'verbose', 'help'] as const) if (v[key] === true) raw[key] = true;
  for (const key of ['quantize', 'seed', 'cases', 'calibration', 'name', 'out', 'suite', 'models', 'variants', 'kernels', 'timeout'] as const) {
    const value = v[key];
    if (value !== undefined) raw[key] = value;
  }
  return raw;
}

function integer(flag: string, value: string | number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${flag} must be an integer >= ${min}, got '${value}'`);
  return n;
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

function list<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T[] {
  if (value === undefined) return [...allowed];
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`--${flag} must name at least one of ${allowed.join(', ')}`);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) throw new UsageError(`--${flag}: unknown '${item}'; choose from ${allowed.join(', ')}`);
  }
  return allowed.filter((a) => items.includes(a));
}

function shape(text: string): number[] {
  if (!/^\s*\d+(\s*,\s*\d+)*\s*$/.test(text)) throw new UsageError(`--input-shape must be sizes like 1,3,224,224, got '${text}'`);
  return text.split(',').map((s) => Number(s));
}

function factoryPath(factory: string, cwd: string): string {
  const match = /^(.+\.py):([A-Za-z_][A-Za-z0-9_]*)$/.exec(factory);
  if (match === null) throw new UsageError(`export: expected FILE.py:FUNCTION, got '${factory}'`);
  const file = path.resolve(cwd, match[1]!);
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch {
    // reported below
  }
  if (!isFile) throw new UsageError(`export: no such file: ${match[1]}`);
  return `${file}:${match[2]}`;
}

/** Where the suite is cached: $ETBENCH_HOME/export-suite, ETBENCH_HOME defaulting to ./.etbench. */
export function exportSuiteDir(env: NodeJS.ProcessEnv, cwd: string): string {
  const home = env['ETBENCH_HOME'];
  return path.resolve(cwd, home !== undefined && home !== '' ? home : '.etbench', 'export-suite');
}

function timeoutSeconds(value: string | number | undefined, fallback: number): number {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isFinite(n) || n <= 0 || (typeof value === 'string' && value.trim() === '')) {
    throw new UsageError(`--timeout must be a number of seconds > 0, got '${String(value)}'`);
  }
  return n;
}

/**
 * Fills defaults and validates every option.
 * @throws UsageError naming the offending flag.
 */
export function compileExportOptions(raw: RawExportOptions, context: Pick<CliIo, 'cwd' | 'env'>): ExportOptions {
  const common = {
    kernels: oneOf('kernels', raw.kernels, KERNEL_SETS, 'portable'),
    format: raw.json === true ? ('json' as const) : ('text' as const),
    verbose: raw.verbose === true,
  };
  if (raw.suite !== undefined) {
    if (raw.suite !== 'real') throw new UsageError(`--suite must be 'real', got '${raw.suite}'`);
    const modelFlags = (['factory', 'inputShape', 'dtype', 'xnnpack', 'quantize', 'seed', 'cases', 'calibration', 'verify', 'name'] as const).filter(
      (k) => raw[k] !== undefined,
    );
    if (modelFlags.length > 0) throw new UsageError(`export --suite: the suite fixes models and settings; drop ${modelFlags.join(', ')}`);
    return {
      ...common,
      kind: 'suite',
      suite: 'real',
      outDir: raw.out !== undefined ? path.resolve(context.cwd, raw.out) : exportSuiteDir(context.env, context.cwd),
      models: list('models', raw.models, SUITE_MODELS.map((m) => m.name)),
      variants: list('variants', raw.variants, SUITE_VARIANTS),
      force: raw.force === true,
      timeoutS: timeoutSeconds(raw.timeout, 3600),
    };
  }
  for (const flag of ['models', 'variants', 'force'] as const) {
    if (raw[flag] !== undefined) throw new UsageError(`--${flag} goes with --suite`);
  }
  if (raw.factory === undefined) throw new UsageError('export: FILE.py:FUNCTION is required (or --suite real)');
  if (raw.inputShape === undefined || raw.inputShape.length === 0) throw new UsageError('--input-shape is required, once per model input');
  if (raw.out === undefined || raw.out === '') throw new UsageError('--out MODEL.bpte (or .pte) is required');
  if (!/\.(bpte|pte)$/.test(raw.out)) throw new UsageError(`--out must end in .bpte (bundled test cases) or .pte, got '${raw.out}'`);
  const shapes = raw.inputShape.map(shape);
  const dtypes = (raw.dtype ?? ['float32']).map((d) => oneOf('dtype', d, EXPORT_DTYPES, 'float32'));
  if (dtypes.length !== 1 && dtypes.length !== shapes.length) {
    throw new UsageError(`--dtype given ${dtypes.length} times for ${shapes.length} inputs: give it once, or once per input`);
  }
  const quantize: Quantize | null = raw.quantize === undefined ? null : oneOf('quantize', raw.quantize, QUANTIZE_MODES, 'int8');
  const inputs = shapes.map((s, i) => ({ shape: s, dtype: (dtypes.length === 1 ? dtypes[0] : dtypes[i]) as ExportDtype }));
  if (raw.name !== undefined && raw.name.trim() === '') throw new UsageError('--name must not be empty');
  return {
    ...common,
    kind: 'model',
    request: {
      factory: factoryPath(raw.factory, context.cwd),
      inputs,
      out: path.resolve(context.cwd, raw.out),
      xnnpack: raw.xnnpack === true,
      quantize,
      seed: integer('seed', raw.seed, 0, 0),
      cases: integer('cases', raw.cases, 2, 1),
      calibration: integer('calibration', raw.calibration, 8, 1),
      verify: raw.verify !== false,
      name: raw.name ?? null,
    },
    timeoutS: timeoutSeconds(raw.timeout, 900),
  };
}
