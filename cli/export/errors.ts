// The errors `etbench export` (and the Python bridge crosscheck shares) can end with. Each is an
// ExitError, so main.ts turns it into an exit code in its one place.

import { ExitError } from '../errors.js';

export { PythonEnvMissingError } from './python.js';

/** The Python script ended without the reports it owes: a crash, a timeout, a bad request. */
export class PythonScriptError extends ExitError {
  override name = 'PythonScriptError';

  constructor(what: string, detail: string, stderrTail: string, options?: { cause?: unknown }) {
    const tail = stderrTail.trim().split('\n').slice(-15).join('\n');
    super(1, `${what} ${detail}${tail === '' ? '' : `\n--- its standard error (last lines) ---\n${tail}`}`, options);
  }
}

/** One or more models could not be exported: exit 1. Each failure names its stage and cause. */
export class ExportFailedError extends ExitError {
  override name = 'ExportFailedError';
  readonly failures: readonly string[];

  constructor(failures: readonly string[], total: number) {
    const head = total === 1 ? 'export failed' : `${failures.length} of ${total} exports failed`;
    super(1, `${head}:\n${failures.map((f) => `  ${f}`).join('\n')}`);
    this.failures = failures;
  }
}
