// Trials end to end: a run with a trial policy goes through the real embedded farm (orchestrator,
// SQLite store, agent over gRPC) to the real host driver and the real etrun; the stored result
// holds several trials with their conditions, every raw sample, and trial-aware statistics.

import os from 'node:os';
import test from 'ava';
import { findTaskset } from '../../agent/drivers/host/affinity.js';
import { startEmbeddedFarm } from '../../cli/farm/embedded.js';
import { JobState, ResultStatus } from '../../proto/index.js';
import { storedStats, trialMedians, trialStats, median } from '../../orchestrator/trials.js';
import { ADD_MODEL, BUNDLED } from '../helpers/fixtures.js';

test.serial('a job with --trials 4..6 launches etrun several times; the farm stores and returns every trial', async (t) => {
  const farm = await startEmbeddedFarm({ ...process.env, ETBENCH_MCU: '0' });
  t.teardown(() => farm.close());
  const program = await farm.client.uploadProgram(BUNDLED);
  const run = await farm.client.submit({
    programs: [program], devices: ['host'], label: 'trials',
    configs: [{ kernels: 'portable', backends: [], threads: 0, warmup: 2, hasWarmup: true, iterations: 15, minSeconds: 0, inputs: '' }],
    trialPolicy: { minTrials: 4, maxTrials: 6, targetCiPct: 0, minSeconds: 0, maxSeconds: 0 },
  });
  const done = await farm.client.watch(run.id);
  const job = done.jobs[0]!;
  t.is(job.state, JobState.JOB_STATE_DONE, job.reason);
  const r = job.result!;
  t.is(r.status, ResultStatus.RESULT_STATUS_OK, r.problem);
  const trials = JSON.parse(r.trialsJson) as { index: number; samples_ms: number[]; median_ms: number; batch: number; conditions: Record<string, unknown>; waited_ms: number }[];
  // No target: exactly min trials, each with its own 15 timed iterations.
  t.deepEqual(trials.map((x) => x.index), [0, 1, 2, 3]);
  for (const trial of trials) {
    t.is(trial.samples_ms.length, 15);
    t.is(trial.median_ms, median(trial.samples_ms));
    t.true(trial.batch >= 1);
    t.true(Number.isFinite(trial.waited_ms));
    t.like(trial.conditions, { gate: { kind: 'host', timed_out: false } });
    t.true(Array.isArray(trial.conditions['load_avg']), 'the host conditions are recorded per trial');
    // One host device and taskset on this Linux machine: etrun was pinned to the last CPU.
    const cpus = os.cpus().length;
    t.deepEqual(trial.conditions['affinity'], findTaskset() === null
      ? { cpus: null, how: null, why: 'taskset not found' }
      : { cpus: [cpus - 1], how: 'taskset', why: 'auto: the last CPUs' });
  }
  // Every raw sample is stored, in trial order.
  t.deepEqual(r.samplesMs, trials.flatMap((x) => x.samples_ms));
  t.deepEqual(trialMedians(r), trials.map((x) => x.median_ms));
  // Job.stats: p50 is the median of trial medians; n and the tail over every sample.
  t.is(job.stats?.n, 60);
  t.is(job.stats?.p50, median(trials.map((x) => x.median_ms)));
  t.like(trialStats(r), { trials: 4 });
  // The runner document carries the same trials, and the job's conditions the trials' summary.
  const document = JSON.parse(r.runnerJson) as { trials: unknown[]; latency_ms: { samples: number[]; p50: number } };
  t.is(document.trials.length, 4);
  t.is(document.latency_ms.samples.length, 60);
  t.is(document.latency_ms.p50, job.stats!.p50);
  t.like(JSON.parse(r.conditionsJson), { trials: { trials: 4, stop: 'min-trials' } });
});

test.serial('adaptive: a target no real timing meets runs to max trials; without a policy a job is one launch as before', async (t) => {
  const farm = await startEmbeddedFarm({ ...process.env, ETBENCH_MCU: '0' });
  t.teardown(() => farm.close());
  const program = await farm.client.uploadProgram(ADD_MODEL);
  const config = { kernels: 'portable', backends: [], threads: 0, warmup: 1, hasWarmup: true, iterations: 5, minSeconds: 0, inputs: '' };
  const adaptive = await farm.client.submit({
    programs: [program], devices: ['host'], configs: [config],
    trialPolicy: { minTrials: 2, maxTrials: 7, targetCiPct: 1e-9, minSeconds: 0, maxSeconds: 0 },
  });
  const single = await farm.client.submit({ programs: [program], devices: ['host'], configs: [config] });
  const [a, s] = [(await farm.client.watch(adaptive.id)).jobs[0]!, (await farm.client.watch(single.id)).jobs[0]!];
  t.is(a.result?.status, ResultStatus.RESULT_STATUS_OK, a.result?.problem);
  t.is(trialMedians(a.result).length, 7);
  t.like(JSON.parse(a.result!.conditionsJson), { trials: { stop: 'max-trials', trials: 7 } });
  t.is(s.result?.status, ResultStatus.RESULT_STATUS_OK, s.result?.problem);
  t.is(trialMedians(s.result).length, 1);
  t.is(s.result?.samplesMs.length, 5);
  const doc = JSON.parse(s.result!.runnerJson) as { trials: unknown[]; latency_ms: { p50: number } };
  t.is(doc.trials.length, 1);
  // One launch: the statistics are the samples' own, as before trials existed.
  t.deepEqual(storedStats({ result: s.result!, samples: s.result!.samplesMs, summary: null }), s.stats);
});

test.serial('the orchestrator refuses a malformed trial policy by name', async (t) => {
  const farm = await startEmbeddedFarm({ ...process.env, ETBENCH_MCU: '0' });
  t.teardown(() => farm.close());
  const program = await farm.client.uploadProgram(ADD_MODEL);
  await t.throwsAsync(farm.client.submit({ programs: [program], devices: ['host'], trialPolicy: { minTrials: 5, maxTrials: 2, targetCiPct: 0, minSeconds: 0, maxSeconds: 0 } }), {
    message: /max_trials \(2\) is below min_trials \(5\)/,
  });
});
