/**
 * The one error the reference throws: an operator was called with arguments
 * its semantics reject (wrong kinds or dtypes, shapes that do not broadcast,
 * an integer division by zero, an operator the reference does not know).
 * `op` names the operator when the error came out of `evaluate`.
 */
export class ReferenceOpError extends Error {
  override readonly name: string = 'ReferenceOpError';
  readonly op: string | null;

  constructor(message: string, options: { op?: string | null; cause?: unknown } = {}) {
    super(options.op ? `${options.op}: ${message}` : message, { cause: options.cause });
    this.op = options.op ?? null;
  }
}
