// How one job's outcome reads in a table cell, and the table itself.

import path from 'node:path';
import { runnerExitName } from '../../native/runner/index.js';
import type { Job, JobOutcome } from '../run/types.js';

export const NONE = '—';

export function formatMs(ms: number | null | undefined): string {
  if (ms == null) return NONE;
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toPrecision(3);
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null) return NONE;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Planned buffers plus the method allocator: the memory a method needs besides its program. */
export function methodMemory(outcome: JobOutcome): number | null {
  const memory = outcome.run.result?.memory;
  if (memory == null) return null;
  return memory.planned_bytes.reduce((a, b) => a + b, 0) + memory.method_allocator_bytes;
}

export function correctnessCell(outcome: JobOutcome): string {
  const checks = outcome.run.result?.correctness;
  if (checks == null || checks.length === 0) return NONE;
  return checks.every((c) => c.pass) ? 'pass' : 'FAIL';
}

/** `ok`, or the error's name: the runner's, the exit code's, `crash (SIGSEGV)`, `timeout`. */
export function statusCell(outcome: JobOutcome): string {
  const { run } = outcome;
  switch (run.status) {
    case 'OK':
      return 'ok';
    case 'FAILED':
      // The contract's category first (what a reader acts on), the runtime's error name after it.
      return [run.exitCode === null ? null : runnerExitName(run.exitCode), run.result?.error?.name]
        .filter((x): x is string => !!x)
        .join(' ')
        .replace(/^(\w+) \1$/, '$1') || `exit ${run.exitCode}`;
    case 'CRASHED':
      return `crash (${run.signal ?? 'signal'})`;
    case 'TIMED_OUT':
      return 'timeout';
    case 'CANCELLED':
      return 'cancelled';
    case 'INVALID_OUTPUT':
      return 'invalid output';
  }
}

export const TABLE_HEADER = ['program', 'method', 'device', 'kernels', 'p50 ms', 'p90 ms', 'memory', 'correctness', 'status'];
const RIGHT_ALIGNED = new Set([4, 5, 6]);

export function tableRow(job: Job, outcome: JobOutcome): string[] {
  const result = outcome.run.result;
  return [
    path.basename(job.program),
    result?.program.method ?? job.method ?? NONE,
    job.device.id,
    result?.config.kernels ?? job.config.kernels,
    formatMs(result?.latency_ms?.p50),
    formatMs(result?.latency_ms?.p90),
    formatBytes(methodMemory(outcome)),
    correctnessCell(outcome),
    statusCell(outcome),
  ];
}

export function renderTable(rows: readonly (readonly string[])[]): string {
  const all = [TABLE_HEADER, ...rows];
  const widths = TABLE_HEADER.map((_, c) => Math.max(...all.map((r) => [...(r[c] ?? '')].length)));
  const line = (r: readonly string[]): string =>
    r
      .map((cell, c) => {
        const pad = ' '.repeat((widths[c] ?? 0) - [...cell].length);
        return RIGHT_ALIGNED.has(c) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(TABLE_HEADER), ...rows.map(line)].join('\n') + '\n';
}
