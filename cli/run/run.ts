// `etbench run`: runs the planned jobs one at a time through the host driver (each job is one
// etrun child process) and reports them through the chosen reporter.

import path from 'node:path';
import { locateEtrun, runEtrun } from '../../agent/drivers/host/index.js';
import { tolerancesFor } from '../../program/index.js';
import { CancelledError, JobsFailedError, UsageError, type FailedJob } from '../errors.js';
import { processIo, type CliIo } from '../io.js';
import { createReporter } from '../reporters/index.js';
import type { RunOptions } from './options.js';
import { planJobs } from './plan.js';
import { loadStarterSuite } from './starter-suite.js';
import type { Job, JobOutcome } from './types.js';

function label(job: Job, outcome: JobOutcome): string {
  const method = outcome.run.result?.program.method ?? job.method ?? 'default method';
  return `${path.basename(job.program)} ${method} on ${job.device.id}`;
}

/**
 * Runs every job and reports it. Returns when all passed.
 * @throws EtrunNotFoundError before any job when etrun is missing.
 * @throws JobsFailedError (exit 1) listing the jobs that did not pass.
 * @throws CancelledError (exit 130) when io.signal aborts; the running job is stopped.
 */
export async function run(options: RunOptions, io: CliIo = processIo()): Promise<void> {
  const etrunPath = await locateEtrun({ env: io.env });
  const programs = options.programs ?? (await loadStarterSuite(options.suiteDir));
  if (programs.length === 0) throw new UsageError(`--programs: none given and the starter suite in ${options.suiteDir} is empty`);
  const plan = planJobs(options, programs);
  const reporter = createReporter(options.format, io);
  const started = performance.now();
  const failures: FailedJob[] = [];
  let finished = 0;

  reporter.onRunStart(plan);
  for (const job of plan.jobs) {
    if (io.signal?.aborted === true) break;
    reporter.onJobStart(job);
    // A tolerance manifest beside the program (program/suite/tolerances.ts) sets the
    // correctness tolerances; otherwise etrun's defaults apply.
    const tolerances = tolerancesFor(job.program, job.method);
    const etrun = await runEtrun({
      program: job.program,
      method: job.method,
      kernels: job.config.kernels,
      threads: job.config.threads,
      warmup: job.config.warmup,
      iterations: job.config.iterations,
      rtol: tolerances?.rtol ?? null,
      atol: tolerances?.atol ?? null,
      timeoutMs: job.config.timeoutS * 1000,
      signal: io.signal,
      etrunPath,
      env: io.env,
    });
    const outcome: JobOutcome = { run: etrun, passed: etrun.status === 'OK' };
    finished += 1;
    if (!outcome.passed) failures.push({ label: label(job, outcome), problem: etrun.problem ?? etrun.status });
    reporter.onJobResult(job, outcome);
  }
  reporter.onRunFinish({
    total: plan.jobs.length,
    passed: finished - failures.length,
    failed: failures.length,
    skipped: plan.jobs.length - finished,
    durationMs: performance.now() - started,
  });

  if (io.signal?.aborted === true) throw new CancelledError();
  if (failures.length > 0) throw new JobsFailedError(failures, plan.jobs.length);
}
