// `etbench inspect` options: parseInspectArgs() turns argv into raw values, compileInspectOptions()
// resolves the file and validates. Everything after that uses InspectOptions.

import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';

export interface RawInspectOptions {
  file?: string;
  json?: boolean;
  help?: boolean;
}

export interface InspectOptions {
  /** Absolute path of the .pte / .bpte. */
  file: string;
  format: 'table' | 'json';
}

export const INSPECT_HELP = `Usage: etbench inspect FILE [--json]

Prints what a .pte program or .bpte bundled program holds: header and segments, constants,
named data, and per method its inputs and outputs (dtype, shape, dim order, dynamic bounds,
placement), operators with call counts, delegates (backend, payload size, compile specs) and
planned memory per mem_id. A .bpte also lists its test suites.

  --json        one JSON document for machines instead of the tables
  -h, --help    this help

Exit codes: 0 printed, 1 the file cannot be read or is not a valid program, 2 usage error.
`;

/**
 * @throws UsageError for unknown flags, a missing FILE or more than one.
 */
export function parseInspectArgs(argv: readonly string[]): RawInspectOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (cause) {
    throw new UsageError(`inspect: ${(cause as Error).message}`, { cause });
  }
  const raw: RawInspectOptions = {};
  if (parsed.values.help === true) raw.help = true;
  if (parsed.values.json === true) raw.json = true;
  if (parsed.positionals.length > 1) throw new UsageError(`inspect: one FILE at a time, got ${parsed.positionals.length}`);
  if (parsed.positionals[0] !== undefined) raw.file = parsed.positionals[0];
  return raw;
}

export function compileInspectOptions(raw: RawInspectOptions, context: Pick<CliIo, 'cwd'>): InspectOptions {
  if (raw.file === undefined || raw.file === '') throw new UsageError('inspect: FILE is required');
  return { file: path.resolve(context.cwd, raw.file), format: raw.json === true ? 'json' : 'table' };
}
