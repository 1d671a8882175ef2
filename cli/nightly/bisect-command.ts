// `etbench bisect --good RUN --bad RUN --program FILE|zoo:NAME`: finds the first slow runtime
// build between two runs (docs/nightly.md). Exit 0 with the answer, 1 when the search could not
// run (no slowdown between the ends, a build that fails), 2 for usage errors.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Job, Run, RuntimeBuild } from '../../proto/index.js';
import { ExitError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { FarmClient } from '../farm/client.js';
import { etbenchHome, resolveToken } from '../farm/home.js';
import { bisectBuilds, candidatesBetween, type BisectOutcome } from './bisect.js';
import { suiteFiles } from './night.js';
import { problemOf, trialMediansOf } from './series.js';
import { parseSuite } from './suite.js';
import { compareTrials } from './verdicts.js';

export const BISECT_HELP = `Usage: etbench bisect --good RUN --bad RUN --program FILE|zoo:NAME [options]

Finds the first slow runtime build between two runs that named uploaded runtime builds
(etbench run --runtime FILE): the candidates are the builds runs named between the two, in the
order they first appeared; each probe runs the program on the bad run's device and config with
one candidate, interleaved launch by launch with the good build, and is judged against it by
the verdict library.

  --good RUN / --bad RUN   the fast and the slow run
  --program FILE|zoo:NAME  the program whose series got slower (must be in the bad run)
  --method NAME            when the bad run has several methods of it
  --device ID              run the probes here instead of the bad run's device
  --trials N               process launches per probe (default 5; 4 at least for a verdict)
  --min-effect-pct P       smallest slowdown that counts (default 3)
  --orchestrator HOST:PORT, --token TOKEN, --format table|json
`;

function integer(flag: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} must be an integer >= ${min}, got '${value}'`);
  return n;
}

function jobOf(run: Run, sha: string, method: string | undefined, what: string): Job {
  const jobs = run.jobs.filter((j) => j.program?.sha256 === sha && (method === undefined || j.method === method));
  if (jobs.length === 0) throw new UsageError(`bisect: the ${what} run ${run.id} has no job of that program${method === undefined ? '' : ` and method ${method}`}`);
  return jobs[0]!;
}

function buildOf(job: Job, what: string): RuntimeBuild {
  if (job.runtime === undefined || job.runtime.sha256 === '') {
    throw new ExitError(1, `bisect: the ${what} run's job ${job.id} ran the device's own runtime, not an uploaded build; bisect replays uploaded builds (etbench run --runtime FILE)`);
  }
  return job.runtime;
}

const label = (b: RuntimeBuild | null): string => (b === null ? '-' : `${b.git || '?'} (${b.sha256.slice(0, 12)})`);

function render(outcome: BisectOutcome, candidates: number): string {
  const lines = [`${candidates} candidate builds, ${outcome.steps.length} measured:`];
  for (const s of outcome.steps) {
    const v = s.verdict;
    lines.push(`  [${s.index}] ${label(s.build)}: ${((v.ratio - 1) * 100).toFixed(1)}% vs the good build, p ${v.pValue.toPrecision(2)}, ${v.kind}`);
  }
  lines.push(outcome.problem ?? `first slow build: ${label(outcome.firstSlow)}; last good build: ${label(outcome.lastGood)}`);
  return `${lines.join('\n')}\n`;
}

export async function bisectCommand(argv: readonly string[], io: CliIo): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv], strict: true, allowPositionals: false,
      options: {
        good: { type: 'string' }, bad: { type: 'string' }, program: { type: 'string' }, method: { type: 'string' }, device: { type: 'string' }, trials: { type: 'string' },
        'min-effect-pct': { type: 'string' }, orchestrator: { type: 'string' }, server: { type: 'string' }, token: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError(`bisect: ${(e as Error).message}`);
  }
  const { values } = parsed;
  if (values.help === true) return io.stdout(BISECT_HELP);
  if (values.good === undefined || values.bad === undefined || values.program === undefined) throw new UsageError('bisect needs --good RUN, --bad RUN and --program FILE|zoo:NAME');
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format must be one of table, json, got '${format}'`);
  const trials = integer('trials', values.trials, 5, 1);
  const minEffectPct = values['min-effect-pct'] === undefined ? 3 : Number(values['min-effect-pct']);
  if (!Number.isFinite(minEffectPct) || minEffectPct < 0) throw new UsageError(`--min-effect-pct must be a number >= 0, got '${values['min-effect-pct']}'`);
  const home = etbenchHome(io.env, io.cwd);
  const [file] = suiteFiles(parseSuite(`name: bisect\nprograms: [${JSON.stringify(values.program)}]\ndevices: [x]\n`, io.cwd), home);
  const sha = createHash('sha256').update(await readFile(path.resolve(io.cwd, file!))).digest('hex');
  const address = values.orchestrator ?? values.server ?? io.env['ETBENCH_ORCHESTRATOR'] ?? '127.0.0.1:50051';
  const client = new FarmClient(address, resolveToken(values.token, io.env, io.cwd));
  try {
    const fetchRun = (id: string): Promise<Run> => client.getRun(id).catch((e: { details?: string }) => {
      throw new UsageError(`bisect: ${e.details ?? String(e)}`);
    });
    const good = await fetchRun(values.good);
    const bad = await fetchRun(values.bad);
    if (Number(good.createdMs) >= Number(bad.createdMs)) throw new UsageError(`bisect: the good run ${good.id} must be older than the bad run ${bad.id}`);
    const badJob = jobOf(bad, sha, values.method, 'bad');
    const goodBuild = buildOf(jobOf(good, sha, values.method, 'good'), 'good');
    const badBuild = buildOf(badJob, 'bad');
    if (goodBuild.sha256 === badBuild.sha256) throw new ExitError(1, `bisect: both runs used build ${label(goodBuild)}; the slowdown is not in the runtime build`);
    const between = await client.listRuns({ sinceMs: Number(good.createdMs), untilMs: Number(bad.createdMs), withJobs: true, limit: 1000 });
    const candidates = candidatesBetween(between, goodBuild, badBuild);
    io.stderr(`etbench bisect: ${candidates.length} candidate builds from ${label(goodBuild)} to ${label(badBuild)}\n`);
    const launch = async (build: RuntimeBuild): Promise<number[]> => {
      const run = await client.watch((await client.submit({
        programs: [badJob.program!], methods: badJob.method === '' ? [] : [badJob.method], devices: [values.device ?? badJob.deviceId],
        configs: badJob.config === undefined ? [] : [badJob.config], runtime: build, priority: 10, label: `bisect:${good.id}..${bad.id}`,
      })).id);
      const problems = run.jobs.map(problemOf).filter((p): p is string => p !== null);
      if (problems.length > 0) throw new ExitError(1, `bisect: build ${label(build)} did not run the program (run ${run.id}): ${problems[0]}`);
      return run.jobs.flatMap(trialMediansOf);
    };
    // One launch of each at a time, alternating, so that both see the same machine.
    const measure = async (base: RuntimeBuild, candidate: RuntimeBuild): Promise<{ good: number[]; candidate: number[] }> => {
      const out = { good: [] as number[], candidate: [] as number[] };
      for (let i = 0; i < trials; i += 1) {
        out.good.push(...(await launch(base)));
        out.candidate.push(...(await launch(candidate)));
      }
      io.stderr(`etbench bisect: measured ${label(candidate)} against ${label(base)}\n`);
      return out;
    };
    const outcome = await bisectBuilds(candidates, measure, (g, c) => compareTrials(g, c, { minEffectPct, maxNoisePct: Infinity }));
    if (format === 'json') io.stdout(`${JSON.stringify({ good: good.id, bad: bad.id, candidates, ...outcome }, null, 2)}\n`);
    else io.stdout(render(outcome, candidates.length));
    if (outcome.problem !== null) throw new ExitError(1, `bisect: ${outcome.problem}`);
  } finally {
    client.close();
  }
}
