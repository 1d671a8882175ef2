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

/**
 * ProgramBuilder input that cannot become a valid program: an unknown dtype or
 * operator, a shape that does not match, a missing or ill-typed argument. Thrown
 * when the offending call is made (or by build() for whole-program problems),
 * never later in a runtime. `where` names the place, from the method down, e.g.
 * `method 'forward', call 2 (aten::add.out), argument 'other'`.
 */
export class ProgramBuildError extends Error {
  override readonly name: string = 'ProgramBuildError';
  /** Where in the program being built, e.g. `method 'forward', constant 'w'`. */
  readonly where: string;
  /** The message without `where`. */
  readonly detail: string;

  constructor(detail: string, where: string, options: { cause?: unknown } = {}) {
    super(`${where}: ${detail}`, { cause: options.cause });
    this.where = where;
    this.detail = detail;
  }
}

/** An operator that the operator list (native/kernels/ops.yaml by default) does not have. */
export class UnknownOperatorError extends ProgramBuildError {
  override readonly name: string = 'UnknownOperatorError';
  /** The qualified name asked for, e.g. `aten::conv2d.out`. */
  readonly operator: string;

  constructor(operator: string, where: string, known: readonly string[]) {
    const close = known.filter((k) => k.split('.')[0] === operator.split('.')[0]);
    const hint = close.length > 0 ? `; overloads that exist: ${close.join(', ')}` : '';
    super(`unknown operator '${operator}' (not in the operator list${hint})`, where);
    this.operator = operator;
  }
}

/** A dtype name that is not one of DTYPES (PyTorch spellings such as `float32`). */
export class UnknownDTypeError extends ProgramBuildError {
  override readonly name: string = 'UnknownDTypeError';
  readonly dtype: string;

  constructor(dtype: string, where: string) {
    super(`unknown dtype '${dtype}' (use a PyTorch name such as float32, int64, bool)`, where);
    this.dtype = dtype;
  }
}

/** A shape that does not fit: data of the wrong length, an out tensor of the wrong size, a test input over its bound. */
export class ShapeMismatchError extends ProgramBuildError {
  override readonly name: string = 'ShapeMismatchError';
  readonly expected: readonly number[];
  readonly actual: readonly number[];

  constructor(detail: string, where: string, expected: readonly number[], actual: readonly number[]) {
    super(detail, where);
    this.expected = expected;
    this.actual = actual;
  }
}

/** A tolerance manifest beside a program is unreadable or malformed; `path` is the manifest file. */
export class ToleranceManifestError extends Error {
  override readonly name: string = 'ToleranceManifestError';
  readonly path: string;

  constructor(detail: string, path: string, options: { cause?: unknown } = {}) {
    super(`${path}: ${detail}`, { cause: options.cause });
    this.path = path;
  }
}
