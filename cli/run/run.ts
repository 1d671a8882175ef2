// `etbench run`: every run goes through the farm. With --orchestrator the programs are
// uploaded to that orchestrator and the run is submitted there; without it an embedded
// orchestrator and a local host agent start in this process (../farm/embedded.ts). Jobs are
// reported through the chosen reporter in plan order once the run has finished; on a terminal
// a progress line follows the jobs as they start.

import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { locateEtrun, schedulingCapabilities, type EtrunCapabilities } from '../../agent/drivers/host/index.js';
import { tolerancesFor } from '../../program/index.js';
import type { Capabilities, Job as FarmJob, ProgramRef, Run, RuntimeBuild } from '../../proto/index.js';
import { CancelledError, ExitError, JobsFailedError, UsageError, type FailedJob } from '../errors.js';
import { FarmClient } from '../farm/client.js';
import { tlsCredentials } from '../farm/tls-options.js';
import { startEmbeddedFarm } from '../farm/embedded.js';
import { resolveToken } from '../farm/home.js';
import { isFinished, isUnschedulable, outcomeOf, planJobOf } from '../farm/outcome.js';
import { processIo, type CliIo } from '../io.js';
import { createReporter } from '../reporters/index.js';
import type { RunOptions } from './options.js';
import { loadSuite } from './suites.js';
import type { Job, JobOutcome } from './types.js';

function label(job: Job, outcome: JobOutcome): string {
  const method = outcome.run.result?.program.method ?? job.method ?? 'default method';
  return `${path.basename(job.program)} ${method} on ${job.device.id}`;
}

function isServiceError(e: unknown): e is ServiceError {
  return e instanceof Error && typeof (e as Partial<ServiceError>).code === 'number';
}

/** gRPC refusals in the CLI's terms: a bad request is a usage error, the rest exit 1. */
function explain(e: unknown, what: string): never {
  if (!isServiceError(e)) throw e;
  if (e.code === grpcStatus.INVALID_ARGUMENT || e.code === grpcStatus.NOT_FOUND) throw new UsageError(`${what}: ${e.details}`);
  throw new ExitError(1, `${what}: ${grpcStatus[e.code] ?? e.code}: ${e.details}`);
}

/** Uploads an etrun build; its git hash is asked of the binary when it runs here. */
async function uploadRuntime(client: FarmClient, runtime: NonNullable<RunOptions['runtime']>): Promise<RuntimeBuild> {
  const data = await readFile(runtime.path);
  const info = await client.uploadBytes(data, path.basename(runtime.path), 'runtime');
  let git = runtime.git ?? '';
  let version = '';
  let capabilities: Capabilities | undefined;
  if (runtime.git === null && runtime.abi === `${process.platform}-${process.arch}`) {
    const asked = spawnSync(runtime.path, ['--capabilities'], { encoding: 'utf8', timeout: 10_000 });
    try {
      const caps = JSON.parse(asked.stdout) as EtrunCapabilities;
      git = caps.runtime?.git ?? '';
      version = caps.runtime?.version ?? '';
      // Scheduling then matches programs against this build, not the devices' own runtimes.
      if (Array.isArray(caps.kernel_sets) && Array.isArray(caps.backends)) capabilities = schedulingCapabilities(caps);
    } catch {
      // not an etrun that answers: the build is still usable, without a git hash
    }
  }
  return { sha256: info.sha256, abi: runtime.abi, git, version, build: '', capabilities };
}

/** A finished job in one line: program, device, outcome and, when it ran, its p50. */
function progressLine(job: FarmJob): string {
  const outcome = outcomeOf(job);
  const p50 = outcome.run.result?.latency_ms?.p50;
  const timing = outcome.run.status === 'OK' && p50 !== undefined ? ` (p50 ${p50.toPrecision(3)} ms)` : '';
  const problem = outcome.run.problem ?? job.reason;
  const why = outcome.run.status !== 'OK' && problem !== '' ? ` — ${problem}` : '';
  return `${job.program?.name ?? job.id} on ${job.deviceId}: ${outcome.run.status}${timing}${why}`;
}

async function connect(options: RunOptions, io: CliIo): Promise<{ client: FarmClient; close(): Promise<void> }> {
  if (options.orchestrator === null) {
    await locateEtrun({ env: io.env }); // fails early, with its advice, when etrun is not built
    return startEmbeddedFarm(io.env);
  }
  const client = new FarmClient(options.orchestrator, resolveToken(options.token, io.env, io.cwd), tlsCredentials({}, io.env));
  try {
    await client.waitReady(10_000);
  } catch (e) {
    client.close();
    throw new ExitError(1, `cannot reach the orchestrator at ${options.orchestrator}: ${(e as Error).message}`);
  }
  return { client, close: async () => client.close() };
}

/**
 * Runs every program on the selected devices through the farm and reports it.
 * @throws EtrunNotFoundError (embedded mode) before any job when etrun is missing.
 * @throws JobsFailedError (exit 1) listing the jobs that did not pass.
 * @throws UsageError (exit 2) when the orchestrator refuses the request as malformed.
 * @throws CancelledError (exit 130) when io.signal aborts; the run is cancelled.
 */
export async function run(options: RunOptions, io: CliIo = processIo()): Promise<void> {
  const programs = options.programs ?? (await loadSuite(options.suite, options.home, io.env));
  if (programs.length === 0) throw new UsageError(`--programs: none given and the ${options.suite} suite in ${options.home} is empty`);
  const started = performance.now();
  const farm = await connect(options, io);
  let finalRun: Run;
  const files = new Map<string, string>();
  try {
    const refs: ProgramRef[] = [];
    for (const file of programs) {
      // A tolerance manifest beside the program (program/suite/tolerances.ts) sets the
      // correctness tolerances; otherwise etrun's defaults apply.
      const ref = await farm.client.uploadProgram(file, tolerancesFor(file, options.method)).catch((e: unknown) => explain(e, `uploading ${file}`));
      files.set(ref.sha256, file);
      refs.push(ref);
    }
    const runtime = options.runtime === null ? undefined : await uploadRuntime(farm.client, options.runtime).catch((e: unknown) => explain(e, 'uploading the runtime build'));
    const submitted = await farm.client.submit({
      runtime,
      programs: refs,
      methods: options.method === null ? [] : [options.method],
      devices: options.orchestrator === null ? options.devices.map((d) => d.id) : options.selectors,
      configs: [{
        kernels: options.kernels, backends: options.backends ?? [], threads: options.threads ?? 0, warmup: options.warmup ?? 0,
        hasWarmup: options.warmup !== null, iterations: options.iterations ?? 0, minSeconds: options.minSeconds ?? 0, inputs: '',
      }],
      timeoutMs: Math.round(options.timeoutS * 1000),
      priority: 10,
      label: 'etbench run',
      trialPolicy: options.trialPolicy ?? undefined,
      profile: options.profile,
    }).catch((e: unknown) => explain(e, 'the orchestrator refused the run'));
    // The id is what `etbench results` and `etbench compare` take.
    if (options.orchestrator !== null) io.stderr(`etbench: run ${submitted.id} submitted to ${options.orchestrator} (${submitted.total} jobs)\n`);
    const onAbort = (): void => void farm.client.cancelRun(submitted.id).catch(() => undefined);
    io.signal?.addEventListener('abort', onAbort, { once: true });
    // On a terminal: one status line with every device's current job and phase. Otherwise (a
    // CI log, a pipe): one plain line per finished job, so a long run shows it is alive.
    const perDevice = new Map<string, string>();
    const ended = new Set<string>();
    try {
      finalRun = await farm.client.watch(submitted.id, (event) => {
        if (event.job === undefined || event.job.deviceId === '') return;
        const job = event.job;
        if (!io.stderrIsTTY) {
          if (!isFinished(job) || ended.has(job.id)) return;
          ended.add(job.id);
          io.stderr(`etbench: [${ended.size}/${submitted.total}] ${progressLine(job)}\n`);
          return;
        }
        if (isFinished(job)) {
          ended.add(job.id);
          perDevice.set(job.deviceId, 'idle');
        } else if (event.phase !== '') perDevice.set(job.deviceId, `${job.program?.name ?? ''} ${event.phase}`);
        const devices = [...perDevice].map(([d, what]) => `${d}: ${what}`).join(' | ');
        io.stderr(`\r\x1b[2K[${ended.size}/${submitted.total}] ${devices}`.slice(0, 200));
      });
    } finally {
      io.signal?.removeEventListener('abort', onAbort);
      if (io.stderrIsTTY) io.stderr('\r\x1b[2K');
    }
  } finally {
    await farm.close();
  }

  let report = '';
  const reporter = createReporter(options.format, options.out === null ? io : { ...io, stdout: (text: string) => void (report += text) });
  const jobs: [Job, JobOutcome, FarmJob][] = finalRun.jobs.map((fj, i) => [planJobOf(fj, i + 1, files, options.timeoutS), outcomeOf(fj), fj]);
  reporter.onRunStart({ jobs: jobs.map(([j]) => j), devices: [...new Map(jobs.map(([j]) => [j.device.id, j.device])).values()] });
  const failures: FailedJob[] = [];
  let skipped = 0;
  let passed = 0;
  let unsupported = 0;
  for (const [job, outcome, fj] of jobs) {
    if (outcome.run.status === 'CANCELLED') {
      skipped += 1;
      continue;
    }
    reporter.onJobResult(job, outcome);
    if (outcome.passed) passed += 1;
    // In the default suite, programs this runtime cannot run are listed, not failures.
    else if (options.programs === null && isUnschedulable(fj)) unsupported += 1;
    else failures.push({ label: label(job, outcome), problem: outcome.run.problem ?? outcome.run.status });
  }
  reporter.onRunFinish({ total: jobs.length, passed, failed: jobs.length - passed - skipped - unsupported, skipped, unsupported, durationMs: performance.now() - started });
  if (options.out !== null) await writeFile(options.out, report);

  if (io.signal?.aborted === true) throw new CancelledError();
  if (failures.length > 0) throw new JobsFailedError(failures, jobs.length);
}
