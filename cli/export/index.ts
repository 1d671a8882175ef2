// `etbench export`: PyTorch modules through the real ExecuTorch exporter (exporter/ in .venv).
//
//   import { parseExportArgs, compileExportOptions, exportCommand, runExporter } from './cli/export/index.js';
//
//   const raw = parseExportArgs(['model.py:build', '--input-shape', '1,3,224,224', '--xnnpack', '--out', 'm.bpte']);
//   await exportCommand(compileExportOptions(raw, { cwd: process.cwd(), env: process.env }));
//   // prints a summary; warns on stderr about operators etrun lacks; ExportFailedError -> exit 1
//
//   // or many exports in one Python process, without printing:
//   const reports = await runExporter([request1, request2], { python: await locatePython(process.env) });
//
// The suite (`--suite real`) lives in $ETBENCH_HOME/export-suite with its manifest, suite.json.
// See docs/export.md.

export { exportCommand, type ExportResult } from './export.js';
export {
  EXPORT_HELP, compileExportOptions, exportSuiteDir, parseExportArgs,
  type ExportOptions, type ModelExportOptions, type RawExportOptions, type SuiteExportOptions,
} from './options.js';
export {
  EXPORT_DTYPES, QUANTIZE_MODES, describeFailure, runExporter,
  type ExportDtype, type ExportInput, type ExportReport, type ExportRequest, type JsonReal, type Quantize, type RunExporterOptions,
} from './exporter.js';
export { exportSuite, exporterFingerprint, readSuiteManifest, SUITE_MANIFEST, type SuiteEntry, type SuiteManifest } from './suite.js';
export { SUITE_MODELS, SUITE_SETTINGS, SUITE_VARIANTS, suiteRequest, type SuiteModel, type SuiteVariant } from './suite-models.js';
export { PYTHON_ENV, PythonEnvMissingError, exporterScript, locatePython, pythonPath, runPython, type PythonRun, type PythonRunOptions } from './python.js';
export { ExportFailedError, PythonScriptError } from './errors.js';
export {
  describeUnsupported, parseCapabilities, programNeeds, programOf, readCapabilities, unsupported,
  type ProgramNeeds, type RuntimeCapabilities, type Unsupported,
} from './support.js';
export { checkSupport, etrunCapabilities, unsupportedWarning, type SupportCheck } from './support-check.js';
export { formatNumber, formatTable } from './render.js';
