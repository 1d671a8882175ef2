// `etbench export`: one model (FILE.py:FUNCTION) or the real-exporter suite, through the real
// ExecuTorch exporter in .venv; then every written program is checked against etrun.

import { CancelledError } from '../errors.js';
import { processIo, type CliIo } from '../io.js';
import { ExportFailedError } from './errors.js';
import { describeFailure, runExporter, type ExportReport } from './exporter.js';
import type { ExportOptions, ModelExportOptions } from './options.js';
import { locatePython } from './python.js';
import { renderExport } from './render.js';
import { checkSupport, etrunCapabilities, unsupportedWarning, type SupportCheck } from './support-check.js';
import { exportSuite } from './suite.js';

/** What `etbench export --json` prints for one model. */
export interface ExportResult {
  report: ExportReport;
  etrun: SupportCheck;
}

async function exportModel(options: ModelExportOptions, io: CliIo): Promise<void> {
  const python = await locatePython(io.env);
  const capabilities = etrunCapabilities(io.env);
  if (io.stderrIsTTY && !options.verbose) io.stderr(`exporting ${options.request.factory} with ExecuTorch (importing torch takes a while) ...\n`);
  const [report] = await runExporter([options.request], {
    python,
    env: io.env,
    timeoutMs: options.timeoutS * 1000,
    signal: io.signal,
    onStderr: options.verbose ? (text) => io.stderr(text) : undefined,
  }).catch((e: unknown) => {
    if (io.signal?.aborted === true) throw new CancelledError();
    throw e;
  });
  if (report === undefined) throw new Error('runExporter returned no report');
  if (report.error !== null) {
    if (options.verbose) io.stderr(report.error.traceback);
    throw new ExportFailedError([describeFailure(report)], 1);
  }
  const check = await checkSupport(report.out, await capabilities, options.kernels);
  const warning = unsupportedWarning(report.out, check);
  if (warning !== null) io.stderr(warning);
  if (check.missing === null) io.stderr(`etbench: note: operators not checked against etrun: ${check.note ?? 'unknown reason'}\n`);
  const result: ExportResult = { report, etrun: check };
  io.stdout(options.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderExport(report, check));
}

/**
 * Exports the model, or the suite, and prints what came out.
 * `export` is a reserved word, hence the name.
 * @throws PythonEnvMissingError (exit 1) when .venv is missing.
 * @throws ExportFailedError (exit 1) when a model could not be exported; a suite writes the
 *   others and its manifest first.
 * @throws PythonScriptError (exit 1) when the exporter crashed or timed out.
 * @throws CancelledError (exit 130) when io.signal aborts.
 */
export async function exportCommand(options: ExportOptions, io: CliIo = processIo()): Promise<void> {
  if (options.kind === 'suite') await exportSuite(options, io);
  else await exportModel(options, io);
}
