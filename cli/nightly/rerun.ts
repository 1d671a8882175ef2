// `etbench rerun RESULT_ID`: the stored provenance of one result (a job id: program artifact
// sha256, method, runtime config, device, runtime build) submitted again as a new run, and the
// old and new timings side by side.

import { parseArgs } from 'node:util';
import type { Job } from '../../proto/index.js';
import { ExitError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { FarmClient } from '../farm/client.js';
import { resolveToken } from '../farm/home.js';
import { problemOf, trialMediansOf } from './series.js';
import { median } from './verdicts.js';

export const RERUN_HELP = `Usage: etbench rerun RESULT_ID [--orchestrator HOST:PORT] [--token TOKEN] [--format table|json]

Runs the job behind a result again (same program artifact, method, config, device and runtime
build) as a new run labelled rerun:RESULT_ID, and prints old vs new. RESULT_ID is a job id as
\`etbench results --format json\` shows it.
`;

/** The run a job id belongs to: job ids are RUN_ID-N. */
export function runIdOf(jobId: string): string {
  const m = /^(.+)-\d+$/.exec(jobId);
  if (m === null) throw new UsageError(`'${jobId}' is not a result id (RUN_ID-N)`);
  return m[1]!;
}

function summary(job: Job): { jobId: string; deviceId: string; problem: string | null; medianMs: number | null; trials: number[] } {
  const problem = problemOf(job);
  const trials = problem === null ? trialMediansOf(job) : [];
  return { jobId: job.id, deviceId: job.deviceId, problem, medianMs: problem === null && job.result !== undefined ? median(job.result.samplesMs) : null, trials };
}

export async function rerunCommand(argv: readonly string[], io: CliIo): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], strict: true, allowPositionals: true, options: { orchestrator: { type: 'string' }, server: { type: 'string' }, token: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    throw new UsageError(`rerun: ${(e as Error).message}`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return io.stdout(RERUN_HELP);
  if (positionals.length !== 1) throw new UsageError('rerun needs one result id: etbench rerun RESULT_ID');
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format must be one of table, json, got '${format}'`);
  const jobId = positionals[0]!;
  const address = values.orchestrator ?? values.server ?? io.env['ETBENCH_ORCHESTRATOR'] ?? '127.0.0.1:50051';
  const client = new FarmClient(address, resolveToken(values.token, io.env, io.cwd));
  try {
    const old = (await client.getRun(runIdOf(jobId)).catch((e: { details?: string }) => {
      throw new UsageError(`rerun: ${e.details ?? String(e)}`);
    })).jobs.find((j) => j.id === jobId);
    if (old === undefined) throw new UsageError(`rerun: no result '${jobId}'`);
    if (old.program === undefined) throw new ExitError(1, `rerun: result ${jobId} has no stored program`);
    const submitted = await client.submit({
      programs: [old.program], methods: old.method === '' ? [] : [old.method], devices: [old.deviceId || old.selector], configs: old.config === undefined ? [] : [old.config],
      runtime: old.runtime, priority: 10, label: `rerun:${jobId}`,
    });
    io.stderr(`etbench rerun: run ${submitted.id} submitted\n`);
    const run = await client.watch(submitted.id);
    const fresh = run.jobs[0];
    if (fresh === undefined) throw new ExitError(1, `rerun: run ${run.id} has no job`);
    const before = summary(old);
    const after = summary(fresh);
    const ratio = before.medianMs !== null && after.medianMs !== null ? after.medianMs / before.medianMs : null;
    const provenance = { program: old.program.name, programSha256: old.program.sha256, method: old.method || 'default', config: old.config, device: old.deviceId, runtime: old.runtime ?? null };
    if (format === 'json') io.stdout(`${JSON.stringify({ provenance, old: before, new: after, runId: run.id, ratio }, null, 2)}\n`);
    else {
      const ms = (x: number | null): string => (x === null ? '-' : x.toFixed(3));
      io.stdout(`${provenance.program} (${provenance.programSha256.slice(0, 12)}) ${provenance.method} on ${provenance.device}, build ${old.runtime?.git || old.runtime?.sha256.slice(0, 12) || "the device's own"}\n`
        + `  old ${before.jobId}: ${before.problem ?? `median ${ms(before.medianMs)} ms`}\n`
        + `  new ${after.jobId}: ${after.problem ?? `median ${ms(after.medianMs)} ms`}\n`
        + `  new/old: ${ratio === null ? '-' : ratio.toFixed(3)}\n`);
    }
    if (after.problem !== null) throw new ExitError(1, `rerun: the new result is not a timing: ${after.problem}`);
  } finally {
    client.close();
  }
}
