// `etbench inspect FILE`: reads a .pte or .bpte with program/ and prints what it holds.

import { readFile } from 'node:fs/promises';
import { ProgramFormatError } from '../../program/index.js';
import { ExitError } from '../errors.js';
import { processIo, type CliIo } from '../io.js';
import type { InspectOptions } from './options.js';
import { renderReport } from './render.js';
import { inspectBytes } from './report.js';

/** The file cannot be read or is not a valid program: exit 1, the message says which and where. */
export class ProgramFileError extends ExitError {
  override name = 'ProgramFileError';
  readonly file: string;

  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(1, message, options);
    this.file = file;
  }
}

/**
 * Prints the report (a table, or one JSON document with --json) on stdout.
 * @throws ProgramFileError (exit 1) when the file is missing, unreadable or malformed.
 */
export async function inspect(options: InspectOptions, io: CliIo = processIo()): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(options.file));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ProgramFileError(options.file, `cannot read ${options.file}${code === 'ENOENT' ? ': no such file' : `: ${(cause as Error).message}`}`, { cause });
  }
  let report;
  try {
    report = inspectBytes(options.file, bytes);
  } catch (cause) {
    if (!(cause instanceof ProgramFormatError)) throw cause;
    throw new ProgramFileError(options.file, `${options.file} is not a valid program: ${cause.message}`, { cause });
  }
  io.stdout(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
}
