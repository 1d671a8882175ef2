/**
 * Errors thrown by `program/`. Callers use `instanceof`, never message matching.
 */

/**
 * A `.pte`/`.bpte` file (or a writer spec) is malformed, truncated or of an
 * unsupported version. The message names the field that is wrong (as a path
 * from the root table, e.g. `execution_plan[0].values[12].sizes`) and, when it is
 * known, `offset` is the absolute byte offset in the file being read.
 */
export class ProgramFormatError extends Error {
  override readonly name: string = 'ProgramFormatError';
  /** Absolute byte offset in the input where the problem was found, or null. */
  readonly offset: number | null;
  /** Path of the offending field, or null when the problem is not inside a table. */
  readonly field: string | null;
  /** The message without field path and offset. */
  readonly detail: string;

  constructor(detail: string, options: { offset?: number | null; field?: string | null; cause?: unknown } = {}) {
    const offset = options.offset ?? null;
    const field = options.field ?? null;
    const where = offset === null ? '' : ` (at byte ${offset})`;
    super(`${field === null ? '' : `${field}: `}${detail}${where}`, { cause: options.cause });
    this.offset = offset;
    this.field = field;
    this.detail = detail;
  }
}

/**
 * The file is a FlatBuffers file of the right family (`ET..`/`BP..`) but of a
 * schema version this code does not read. Separate from the other
 * ProgramFormatError cases so a CLI can say "re-export with a matching ExecuTorch".
 */
export class IncompatibleVersionError extends ProgramFormatError {
  override readonly name: string = 'IncompatibleVersionError';
  /** The identifier found in the file, e.g. "ET11". */
  readonly found: string;

  constructor(detail: string, found: string) {
    super(detail, { offset: 4 });
    this.found = found;
  }
}

/**
 * Runs `fn`, prefixing the field path of any ProgramFormatError it throws with
 * `where` (e.g. `values[12]`), so the final message names the broken field from
 * the root down. Anything else thrown (a RangeError from a typed-array view, say)
 * is converted too: readers promise to throw nothing but ProgramFormatError on
 * bad input.
 */
export function within<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof IncompatibleVersionError) throw e;
    if (e instanceof ProgramFormatError) {
      const field = e.field === null ? where : `${where}${e.field.startsWith('[') ? '' : '.'}${e.field}`;
      throw new ProgramFormatError(e.detail, { offset: e.offset, field, cause: e.cause });
    }
    const detail = e instanceof Error ? e.message : String(e);
    throw new ProgramFormatError(`malformed data (${detail})`, { field: where, cause: e });
  }
}
