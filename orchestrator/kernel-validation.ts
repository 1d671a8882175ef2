// The kernel validation page (/api/v1/kernels): results of operator-suite runs (`etbench run
// --suite ops`: one bundled program per case, named `<operator>__<case>.bpte` by
// program/suite/ops/build.ts caseStem) aggregated per (operator, dtype, device, kernel set and
// backends). A case is recognised by its program: exactly one operator, and a file name that is
// that operator's case stem. Each case counts once per device and configuration, with its newest
// result; the dtype is the case's own (looked up in the suite definitions), else the prefix of
// the case name (f32_..., i8_...).

import { ResultStatus, type Job } from '../proto/index.js';
import { matrixCell } from './dashboard-views.js';
import type { Farm } from './farm.js';

export type CaseOutcome = 'passed' | 'failed' | 'unsupported' | 'error';

export interface KernelCase {
  case: string;
  outcome: CaseOutcome;
  jobId: string;
  runId: string;
  maxAbsErr: number | null;
  maxRelErr: number | null;
  problem: string;
}

export interface KernelRow {
  operator: string;
  dtype: string;
  deviceId: string;
  config: string;
  cases: number;
  passed: number;
  failed: number;
  unsupported: number;
  errors: number;
  /** Largest error over the row's checked outputs (null when none was checked). */
  maxAbsErr: number | null;
  maxRelErr: number | null;
  /** Every case that did not pass. */
  problems: KernelCase[];
}

const SHORT_DTYPES: Record<string, string> = {
  u8: 'uint8', i8: 'int8', i16: 'int16', i32: 'int32', i64: 'int64', f16: 'float16', bf16: 'bfloat16', f32: 'float32', f64: 'float64', b: 'bool',
};

let caseDtypes: Promise<Map<string, string>> | null = null;

/** stem -> dtype of every operator-suite case, loaded on first use (a few thousand cases). */
function suiteDtypes(): Promise<Map<string, string>> {
  caseDtypes ??= (async () => {
    const [{ OP_SUITES }, { caseStem }] = await Promise.all([import('../program/suite/ops/cases/index.js'), import('../program/suite/ops/build.js')]);
    return new Map(OP_SUITES.flatMap((s) => s.cases.map((c) => [caseStem(s.op, c.name), c.dtype] as [string, string])));
  })();
  return caseDtypes;
}

/** The (operator, case) a job's program is, or null when it is not an operator-suite case. */
export function suiteCaseOf(job: Pick<Job, 'program'>): { operator: string; case: string; stem: string } | null {
  const p = job.program;
  if (p === undefined || p.operators.length !== 1 || !p.name.endsWith('.bpte')) return null;
  const operator = p.operators[0]!;
  const stem = p.name.slice(0, -'.bpte'.length);
  const prefix = `${operator.replace('::', '__')}__`;
  if (!stem.startsWith(prefix) || stem.length === prefix.length) return null;
  return { operator, case: stem.slice(prefix.length), stem };
}

function outcomeOf(job: Job): CaseOutcome {
  const r = job.result!;
  if (r.status === ResultStatus.RESULT_STATUS_OK) return 'passed';
  if (r.correctnessChecked && !r.correctnessPassed) return 'failed';
  return r.exitCode === 4 ? 'unsupported' : 'error';
}

function errors(job: Job): { maxAbsErr: number | null; maxRelErr: number | null } {
  try {
    const doc = JSON.parse(job.result?.runnerJson || 'null') as { correctness?: { max_abs_err: number; max_rel_err: number }[] | null } | null;
    const checks = doc?.correctness ?? [];
    if (checks.length === 0) return { maxAbsErr: null, maxRelErr: null };
    return { maxAbsErr: Math.max(...checks.map((c) => c.max_abs_err)), maxRelErr: Math.max(...checks.map((c) => c.max_rel_err)) };
  } catch {
    return { maxAbsErr: null, maxRelErr: null };
  }
}

const maxOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

/** Rows sorted by operator, dtype, device, config, over the newest `runs` runs. */
export async function kernelValidationView(farm: Farm, runs: number): Promise<{ runs: number; cases: number; rows: KernelRow[] }> {
  const dtypes = await suiteDtypes();
  const seen = new Set<string>();
  const rows = new Map<string, KernelRow>();
  // Newest first, so each (case, device, config) counts with its newest result.
  for (const run of await farm.store.listRuns(runs)) {
    // Only runs that submitted a case-like file (OP__CASE.bpte) are read job by job.
    if (!run.request.programs.some((p) => p.name.endsWith('.bpte') && p.name.includes('__'))) continue;
    for (const job of (await farm.runView(run.id)).jobs) {
      const c = suiteCaseOf(job);
      if (c === null || job.result === undefined) continue;
      const cell = matrixCell(job);
      const seenKey = JSON.stringify([c.stem, job.deviceId, cell.config]);
      if (seen.has(seenKey)) continue;
      seen.add(seenKey);
      const dtype = dtypes.get(c.stem) ?? SHORT_DTYPES[c.case.split('_')[0] ?? ''] ?? 'unknown';
      const key = JSON.stringify([c.operator, dtype, job.deviceId, cell.config]);
      let row = rows.get(key);
      if (row === undefined) {
        rows.set(key, (row = { operator: c.operator, dtype, deviceId: job.deviceId, config: cell.config, cases: 0, passed: 0, failed: 0, unsupported: 0, errors: 0, maxAbsErr: null, maxRelErr: null, problems: [] }));
      }
      const outcome = outcomeOf(job);
      const e = errors(job);
      row.cases += 1;
      row[outcome === 'error' ? 'errors' : outcome] += 1;
      row.maxAbsErr = maxOf(row.maxAbsErr, e.maxAbsErr);
      row.maxRelErr = maxOf(row.maxRelErr, e.maxRelErr);
      if (outcome !== 'passed') row.problems.push({ case: c.case, outcome, jobId: job.id, runId: run.id, ...e, problem: job.result.problem });
    }
  }
  const sorted = [...rows.values()].sort((a, b) => a.operator.localeCompare(b.operator) || a.dtype.localeCompare(b.dtype) || a.deviceId.localeCompare(b.deviceId) || a.config.localeCompare(b.config));
  return { runs, cases: seen.size, rows: sorted };
}
