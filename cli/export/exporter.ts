// The TypeScript side of exporter/export.py: typed requests in, one report per export out,
// all of them from one Python process (importing torch and ExecuTorch takes 15-30 s).

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PythonScriptError } from './errors.js';
import { exporterScript, runPython } from './python.js';

export type Quantize = 'int8';
export const QUANTIZE_MODES: readonly Quantize[] = ['int8'];

/** Input dtypes export.py accepts. */
export const EXPORT_DTYPES = ['float32', 'float16', 'bfloat16', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'bool'] as const;
export type ExportDtype = (typeof EXPORT_DTYPES)[number];

export interface ExportInput {
  shape: number[];
  dtype: ExportDtype;
}

/** One model to export; the fields of a `export.py --batch` entry. */
export interface ExportRequest {
  /** `FILE.py:function`; the function takes no arguments and returns an nn.Module. */
  factory: string;
  inputs: ExportInput[];
  /** Absolute path of the .bpte (bundled test cases) or .pte to write. */
  out: string;
  xnnpack: boolean;
  quantize: Quantize | null;
  /** Seeds the weights (torch.manual_seed before the factory), test cases and calibration. */
  seed: number;
  /** Bundled test cases in a .bpte. */
  cases: number;
  /** Calibration samples for int8. */
  calibration: number;
  /** Run the program on ExecuTorch's runtime afterwards. */
  verify: boolean;
  name: string | null;
}

export interface TensorFacts {
  dtype: string;
  shape: number[];
}

/** A number from Python that may be "nan", "inf" or "-inf". */
export type JsonReal = number | 'nan' | 'inf' | '-inf';

export interface OutputDifference {
  output: number;
  max_abs_err: JsonReal | null;
  max_rel_err: JsonReal | null;
  cosine: JsonReal | null;
}

/** What export.py reports for one request (docs/export.md, "The report"). */
export interface ExportReport {
  name: string;
  request: ExportRequest;
  out: string;
  format: 'bpte' | 'pte';
  /** Every operator of the program with its KernelCall count; null when export did not get that far. */
  operators: { name: string; count: number }[] | null;
  /** Backend ids of the program's delegates. */
  delegates: string[] | null;
  inputs: TensorFacts[] | null;
  outputs: TensorFacts[] | null;
  /** The program run on ExecuTorch's runtime, compared with the expected outputs. */
  executorch: null | {
    ran: boolean;
    error: string | null;
    cases: { case: number; max_abs_err: number | null; outputs: OutputDifference[] }[];
  };
  /** int8 only: the quantized program against the float model, per output over all cases. */
  drift: null | {
    measured_on: 'executorch' | 'pytorch';
    outputs: { output: number; max_abs_err: JsonReal | null; cosine: JsonReal | null; float_max_abs: number }[];
  };
  /** Per bundled case, as written to `tolerance_file`. */
  tolerances: { rtol: number; atol: number }[] | null;
  tolerance_file: string | null;
  bytes: { pte: number; file: number } | null;
  /** Seconds per stage (load, eager, quantize, export, lower, to_executorch, verify, bundle, write) and total. */
  seconds: Record<string, number>;
  error: null | { stage: string; name: string; message: string; traceback: string };
}

export interface RunExporterOptions {
  python: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number | null;
  signal?: AbortSignal | null;
  /** Each report as soon as its export is done (the batch keeps going). */
  onReport?: (report: ExportReport, index: number) => void;
  /** export.py's standard error as it arrives. */
  onStderr?: (text: string) => void;
}

function parseReport(line: string): ExportReport {
  const doc = JSON.parse(line) as ExportReport;
  if (typeof doc !== 'object' || doc === null || typeof doc.name !== 'string' || !('error' in doc)) {
    throw new Error(`not an export report: ${line.slice(0, 200)}`);
  }
  return doc;
}

/**
 * Exports every request in one export.py process and returns the reports in request order.
 * A model that fails to export is a report with `error` set, not an exception.
 * @throws PythonScriptError when export.py rejects the batch or stops before reporting them all.
 */
export async function runExporter(requests: readonly ExportRequest[], options: RunExporterOptions): Promise<ExportReport[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'etbench-export-'));
  try {
    const batch = path.join(dir, 'requests.json');
    await writeFile(batch, JSON.stringify(requests));
    const reports: ExportReport[] = [];
    let bad: string | null = null;
    const done = await runPython({
      python: options.python,
      args: [exporterScript('export.py'), '--batch', batch],
      env: options.env,
      timeoutMs: options.timeoutMs ?? null,
      signal: options.signal ?? null,
      onStderr: options.onStderr,
      onLine: (line) => {
        try {
          const report = parseReport(line);
          reports.push(report);
          options.onReport?.(report, reports.length - 1);
        } catch (e) {
          bad ??= (e as Error).message;
        }
      },
    });
    const what = 'exporter/export.py';
    if (done.stoppedBy === 'TIMEOUT') throw new PythonScriptError(what, `timed out after ${(options.timeoutMs ?? 0) / 1000} s and was stopped`, done.stderrTail);
    if (done.stoppedBy === 'CANCEL') throw new PythonScriptError(what, 'was cancelled', '');
    if (bad !== null) throw new PythonScriptError(what, `printed something that is not a report: ${bad}`, done.stderrTail);
    if (reports.length !== requests.length) {
      const ending = done.signal !== null ? `was killed by ${done.signal}` : `exited with code ${String(done.code)}`;
      throw new PythonScriptError(what, `${ending} after ${reports.length} of ${requests.length} exports`, done.stderrTail);
    }
    return reports;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One line for a failed export: `name: stage failed: Name: message`. */
export function describeFailure(report: ExportReport): string {
  const e = report.error;
  if (e === null) return `${report.name}: ok`;
  return `${report.name}: ${e.stage} failed: ${e.name}: ${e.message.split('\n')[0] ?? ''}`;
}
