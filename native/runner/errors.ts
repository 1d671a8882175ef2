// Errors about the runner's output. Callers test them with instanceof.

/** A runner's stdout is not a valid version 1 document: a contract violation by the producer. */
export class RunnerResultInvalidError extends Error {
  override readonly name = 'RunnerResultInvalidError';

  /** One line per violation: `/json/pointer: what is wrong`. */
  readonly violations: readonly string[];

  constructor(violations: readonly string[], options?: { cause?: unknown }) {
    super(`runner result does not match result.schema.json:\n  ${violations.join('\n  ')}`, options);
    this.violations = violations;
  }
}
