// What one etrun process amounted to. The host driver turns every ending — an exit code, a
// signal, our own kill on timeout or cancel — into one EtrunRun value.

import {
  RunnerResultInvalidError,
  runnerExitName,
  validateRunnerResult,
  type RunnerResult,
} from '../../../native/runner/index.js';

/**
 * How a run ended.
 * - OK: exit 0 with a valid document; every correctness check that exists passed.
 * - FAILED: a contract exit code 2..7 (or an undefined non-zero code); `result` is set when
 *   etrun wrote a document (always for 6, wrong result).
 * - CRASHED: ended by a signal we did not send. Never an answer: `result` is null.
 * - TIMED_OUT / CANCELLED: we stopped it (timeout, or the caller's AbortSignal); `result` is null.
 * - INVALID_OUTPUT: stdout broke the contract (not JSON, schema violation, exit 0 without a
 *   document); `result` is null and `problem` says what was wrong.
 */
export type EtrunStatus = 'OK' | 'FAILED' | 'CRASHED' | 'TIMED_OUT' | 'CANCELLED' | 'INVALID_OUTPUT';

export interface EtrunRun {
  status: EtrunStatus;
  /** null when a signal ended the process. */
  exitCode: number | null;
  /** The signal that ended the process (ours on timeout/cancel), or null. */
  signal: NodeJS.Signals | null;
  /** The validated document; null when there is none or it cannot be trusted. */
  result: RunnerResult | null;
  /** Everything etrun wrote to standard error (its human messages). */
  stderr: string;
  /** Why the run is not OK, in one sentence for people; null when OK. */
  problem: string | null;
  /** Wall time from spawn to exit. */
  durationMs: number;
}

export interface ProcessEnding {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Set when we killed the process ourselves. */
  stoppedBy: 'TIMEOUT' | 'CANCEL' | null;
  timeoutMs: number | null;
  durationMs: number;
}

function lastLine(text: string): string | null {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.at(-1) ?? null;
}

type Parsed = { result: RunnerResult | null } | { invalid: string };

function parseDocument(stdout: string): Parsed {
  if (stdout.trim() === '') return { result: null };
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch (e) {
    return { invalid: `stdout is not one JSON document (${(e as Error).message})` };
  }
  try {
    return { result: validateRunnerResult(json) };
  } catch (e) {
    if (e instanceof RunnerResultInvalidError) return { invalid: e.message };
    throw e;
  }
}

/** Classifies one finished etrun process; pure, so every branch is testable without etrun. */
export function interpretEnding(p: ProcessEnding): EtrunRun {
  const run = (status: EtrunStatus, result: RunnerResult | null, problem: string | null): EtrunRun => ({
    status,
    exitCode: p.exitCode,
    signal: p.signal,
    result,
    stderr: p.stderr,
    problem,
    durationMs: p.durationMs,
  });

  if (p.stoppedBy === 'TIMEOUT') {
    return run('TIMED_OUT', null, `timed out after ${(p.timeoutMs ?? 0) / 1000} s and was killed${p.signal ? ` (${p.signal})` : ''}`);
  }
  if (p.stoppedBy === 'CANCEL') return run('CANCELLED', null, 'cancelled');
  if (p.signal !== null || p.exitCode === null) {
    const detail = lastLine(p.stderr);
    return run('CRASHED', null, `crashed with ${p.signal ?? 'an unknown signal'}${detail ? `: ${detail}` : ''}`);
  }

  const parsed = parseDocument(p.stdout);
  if ('invalid' in parsed) return run('INVALID_OUTPUT', null, parsed.invalid);
  const { result } = parsed;

  if (p.exitCode === 0) {
    if (result === null) return run('INVALID_OUTPUT', null, 'exited 0 without writing a result document');
    if (result.error !== null) {
      return run('INVALID_OUTPUT', null, `exited 0 but the document reports error ${result.error.name}`);
    }
    return run('OK', result, null);
  }
  const name = result?.error?.name ?? runnerExitName(p.exitCode) ?? `exit code ${p.exitCode} (not in the runner contract)`;
  const message = result?.error?.message ?? lastLine(p.stderr);
  return run('FAILED', result, message ? `${name}: ${message}` : name);
}
