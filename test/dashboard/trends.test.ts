// Trends over results the test writes itself through the store interface of a real in-process
// orchestrator: a seeded regression and improvement are marked with the right ratios (p50 over
// the previous run's p50), a result whose correctness failed is no timing, the store's
// deviceActivity counts it as a failure, and the trends page in Chromium shows the marks.

import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { chromium } from 'playwright-core';
import { JobResult, ResultStatus, type ProgramRef, type RuntimeConfig, type SubmitRunRequest } from '../../proto/index.js';
import { startOrchestrator } from '../../orchestrator/index.js';
import type { NewJob } from '../../orchestrator/store/store.js';
import { repoRoot } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { TOKENS, getJson, percentile } from './helpers.js';

const program: ProgramRef = { sha256: 'b'.repeat(64), name: 'seeded.pte', size: 1, methods: ['forward'], operators: [], delegates: [], rtol: 0, atol: 0, hasTolerances: false, plannedBytes: 0, expectedSha256: '', expectedInputs: '' };
const config: RuntimeConfig = { kernels: 'portable', backends: [], threads: 0, warmup: 0, hasWarmup: false, iterations: 0, minSeconds: 0, inputs: '' };
const request: SubmitRunRequest = { programs: [program], methods: [], devices: ['s1'], configs: [], priority: 0, timeoutMs: 0, memoryLimitBytes: 0, label: 'seeded', maxAttempts: 0, runtime: undefined, trialPolicy: undefined, profile: false, noHostExpected: false };

/** Samples around `center` ms (deterministic spread). */
const samplesAround = (center: number): number[] => Array.from({ length: 21 }, (_, i) => center * (1 + ((i * 7) % 11 - 5) / 100));

test('seeded regression and improvement are marked in the API and on the trends page', async (t) => {
  const dir = await tempDir(t, 'etbench-dashboard-trends-');
  const orchestrator = await startOrchestrator({ port: 0, httpPort: 0, store: `sqlite:${path.join(dir, 'farm.db')}`, tokens: [{ token: TOKENS.read, scopes: ['read'] }] });
  t.teardown(() => orchestrator.close());
  const store = orchestrator.store;
  const centers = [2, 2.02, 3, 1.5];
  const runIds: string[] = [];
  for (const [i, center] of centers.entries()) {
    const runId = `seed-${i}`;
    const job: NewJob = { id: `job-${i}`, seq: 0, program, method: 'forward', deviceId: 's1', selector: 's1', config, configKey: 'k', runtime: null, state: 'queued',
      reason: '', maxAttempts: 1, timeoutMs: 1000, memoryLimitBytes: 1 };
    const bad: NewJob = { ...job, id: `job-${i}-bad`, seq: 1 };
    await store.createRun({ id: runId, createdMs: 1_000_000 + i * 60_000, label: 'seeded', state: 'running', priority: 0, request }, [job, bad]);
    for (const [j, passed] of [[job, true], [bad, false]] as const) {
      t.not(await store.leaseJob(j.id, 'agent', 's1', Date.now() + 60_000, Date.now()), null);
      const outcome = await store.ingestResult(JobResult.fromPartial({
        jobId: j.id, attempt: 1, deviceId: 's1', status: passed ? ResultStatus.RESULT_STATUS_OK : ResultStatus.RESULT_STATUS_FAILED,
        samplesMs: samplesAround(passed ? center : center * 10), correctnessChecked: true, correctnessPassed: passed, peakRssBytes: 1 << 20,
      }), Date.now());
      t.true(outcome.accepted);
    }
    t.true(await store.finishRunIfDone(runId));
    runIds.push(runId);
  }
  t.deepEqual(await store.deviceActivity(), [{ deviceId: 's1', results: 8, failed: 4, currentJobId: null }]);
  t.like(await store.jobCounts(), { queued: 0, leased: 0, done: 4, failed: 4 });

  const http = `http://127.0.0.1:${orchestrator.httpPort}`;
  const trends = await getJson<{ series: { deviceId: string; points: { runId: string; p50Ms: number; ratio: number | null; mark: string | null }[] }[] }>(`${http}/api/v1/trends`);
  t.is(trends.series.length, 1, 'the wrong results are not a series of timings');
  const points = trends.series[0]!.points;
  t.deepEqual(points.map((p) => p.runId), runIds);
  t.deepEqual(points.map((p) => p.mark), [null, null, 'regression', 'improvement']);
  const p50s = centers.map((c) => percentile(samplesAround(c), 50));
  t.deepEqual(points.map((p) => p.p50Ms), p50s);
  t.is(points[2]!.ratio, p50s[2]! / p50s[1]!);
  // A stricter threshold marks the 1 % step too; an invalid one is refused with its name.
  t.is((await getJson<{ series: { points: { mark: string | null }[] }[] }>(`${http}/api/v1/trends?threshold=1.001`)).series[0]!.points[1]!.mark, 'regression');
  const bad = await fetch(`${http}/api/v1/trends?threshold=0.5`, { headers: { authorization: `Bearer ${TOKENS.read}` } });
  t.is(bad.status, 400);
  t.regex(((await bad.json()) as { error: string }).error, /threshold/);

  const chromiumPath = process.env['CHROMIUM'] ?? '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) return t.fail(`no Chromium at ${chromiumPath}`);
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${http}/?token=${TOKENS.read}#/trends`);
  await page.locator('table.trend').waitFor({ timeout: 15_000 });
  t.regex(await page.locator('table.trend tr.regression').innerText(), new RegExp(`seed-2[\\s\\S]*${(p50s[2]! / p50s[1]!).toFixed(3)}x[\\s\\S]*regression`));
  t.regex(await page.locator('table.trend tr.improvement').innerText(), /seed-3[\s\S]*improvement/);
  t.true(await page.locator('.series canvas').count() > 0, 'the chart is drawn');
  const shots = path.join(repoRoot, 'test-output', 'dashboard');
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, 'trends-laptop.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shots, 'trends-phone.png'), fullPage: true });
});

test('with trials, marks are verdicts on trial medians: a tight 4 % slowdown is a regression below the fixed 1.10 ratio; a noisy series is unstable', async (t) => {
  const dir = await tempDir(t, 'etbench-dashboard-verdicts-');
  const orchestrator = await startOrchestrator({ port: 0, httpPort: 0, store: `sqlite:${path.join(dir, 'farm.db')}`, tokens: [{ token: TOKENS.read, scopes: ['read'] }] });
  t.teardown(() => orchestrator.close());
  const store = orchestrator.store;
  // Six trials per result: medians spread ±0.3 % (tight) or ±12 % (noisy) around the center.
  const trialsAround = (center: number, spread: number): { index: number; samples_ms: number[]; median_ms: number; batch: number; conditions: null; waited_ms: number }[] =>
    [-1, -0.6, -0.2, 0.2, 0.6, 1].map((k, index) => {
      const m = center * (1 + k * spread);
      return { index, samples_ms: [m * 0.99, m, m * 1.01], median_ms: m, batch: 1, conditions: null, waited_ms: 0 };
    });
  const programs = { tight: { ...program, sha256: 'c'.repeat(64), name: 'tight.pte' }, noisy: { ...program, sha256: 'd'.repeat(64), name: 'noisy.pte' } };
  const centers = [2, 2, 2, 2.08];
  for (const [i, center] of centers.entries()) {
    const runId = `trials-${i}`;
    const jobs: NewJob[] = Object.entries(programs).map(([name, p], seq) => ({ id: `${runId}-${name}`, seq, program: p, method: 'forward', deviceId: 's1', selector: 's1',
      config, configKey: 'k', runtime: null, state: 'queued', reason: '', maxAttempts: 1, timeoutMs: 1000, memoryLimitBytes: 1 }));
    await store.createRun({ id: runId, createdMs: 2_000_000 + i * 60_000, label: 'trials', state: 'running', priority: 0, request }, jobs);
    for (const job of jobs) {
      const trials = trialsAround(job.program.name === 'tight.pte' ? center : center * 1.075, job.program.name === 'tight.pte' ? 0.003 : 0.12);
      t.not(await store.leaseJob(job.id, 'agent', 's1', Date.now() + 60_000, Date.now()), null);
      t.true((await store.ingestResult(JobResult.fromPartial({
        jobId: job.id, attempt: 1, deviceId: 's1', status: ResultStatus.RESULT_STATUS_OK, samplesMs: trials.flatMap((x) => x.samples_ms),
        trialsJson: JSON.stringify(trials), peakRssBytes: 1 << 20,
      }), Date.now())).accepted);
    }
    t.true(await store.finishRunIfDone(runId));
  }
  const http = `http://127.0.0.1:${orchestrator.httpPort}`;
  type Point = { ratio: number | null; basis: string | null; mark: string | null; verdict: { kind: string; ci: [number, number] } | null };
  const trends = await getJson<{ series: { program: string; points: Point[] }[] }>(`${http}/api/v1/trends`);
  const tight = trends.series.find((s) => s.program === 'tight.pte')!.points;
  t.deepEqual(tight.map((p) => p.basis), [null, 'verdict', 'verdict', 'verdict']);
  t.deepEqual(tight.map((p) => p.mark), [null, null, null, 'regression']);
  t.true(tight[3]!.ratio! < 1.1, `a ${tight[3]!.ratio} ratio: below the fixed threshold, found by the verdict`);
  t.true(tight[3]!.verdict!.ci[0] > 1.01, JSON.stringify(tight[3]!.verdict));
  const noisy = trends.series.find((s) => s.program === 'noisy.pte')!.points;
  t.deepEqual(noisy.slice(1).map((p) => p.mark), ['unstable', 'unstable', 'unstable'], 'a noisy series is marked unstable, never a regression');
});
