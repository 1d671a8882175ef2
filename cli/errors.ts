// Every error class the CLI can meet, from one module, so callers use instanceof. main.ts maps
// them to exit codes in one place (exitCodeOf).

import { EtrunNotFoundError } from '../agent/drivers/host/index.js';

export { RunnerResultInvalidError } from '../native/runner/index.js';
export { EtrunNotFoundError } from '../agent/drivers/host/index.js';

/** Ends the command with this exit code; main prints the message (if any) to stderr. */
export class ExitError extends Error {
  override name = 'ExitError';
  readonly code: number;

  constructor(code: number, message = '', options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A bad command line: exit 2. The message names the flag. */
export class UsageError extends ExitError {
  override name = 'UsageError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(2, message, options);
  }
}

export interface FailedJob {
  /** e.g. `AddModel.pte forward on host` */
  label: string;
  /** e.g. `UNSUPPORTED: operator cortex_m::quantized_add.out is not registered` */
  problem: string;
}

/** Some jobs ran but did not pass: exit 1, the failures listed one per line. */
export class JobsFailedError extends ExitError {
  override name = 'JobsFailedError';
  readonly failures: readonly FailedJob[];

  constructor(failures: readonly FailedJob[], total: number) {
    const lines = failures.map((f) => `  ${f.label}: ${f.problem}`);
    super(1, `${failures.length} of ${total} jobs failed:\n${lines.join('\n')}`);
    this.failures = failures;
  }
}

/** The user interrupted the run (Ctrl-C): exit 130, as shells report SIGINT. */
export class CancelledError extends ExitError {
  override name = 'CancelledError';

  constructor() {
    super(130, 'cancelled');
  }
}

/**
 * The one mapping from errors to exit codes: ExitError carries its own; a missing etrun is an
 * environment problem (1, with its advice); anything else is a bug in etbench (1, with stack).
 */
export function exitCodeOf(error: unknown): { code: number; message: string } {
  if (error instanceof ExitError) return { code: error.code, message: error.message };
  if (error instanceof EtrunNotFoundError) return { code: 1, message: error.message };
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { code: 1, message: `internal error: ${text}` };
}
