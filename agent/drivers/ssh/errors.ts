// Errors of the ssh driver when there is no run to report: the board could not be reached,
// refused our key, or showed another host key than the one pinned.

export type SshFailure = 'UNREACHABLE' | 'AUTH_REFUSED' | 'HOST_KEY_MISMATCH' | 'LOST';

export class SshError extends Error {
  override readonly name = 'SshError';
  readonly failure: SshFailure;
  /** user@host:port */
  readonly target: string;

  constructor(failure: SshFailure, target: string, message: string, options?: { cause?: unknown }) {
    super(`ssh ${target}: ${message}`, options);
    this.failure = failure;
    this.target = target;
  }
}
