// The night's analysis on constructed series: correctness failures are never timings, noisy
// series are unstable, the false discovery rate is controlled across series, drifts are found.

import test from 'ava';
import { analyzeNight, driftOf } from '../../cli/nightly/analyze.js';
import type { NightPoint } from '../../cli/nightly/history.js';
import { secondUnit } from '../../cli/nightly/night.js';
import { problemOf, seriesOfRun, trialMediansOf } from '../../cli/nightly/series.js';
import { DeviceState, JobState, ResultStatus, type Device, type Job, type JobResult } from '../../proto/index.js';

const OPTIONS = { q: 0.05, minEffectPct: 3, maxNoisePct: 10 };

function result(partial: Partial<JobResult>): JobResult {
  return {
    jobId: 'j', attempt: 1, deviceId: 'd', status: ResultStatus.RESULT_STATUS_OK, exitCode: 0, signal: '', problem: '', samplesMs: [1, 2, 3], batch: 1,
    correctnessChecked: true, correctnessPassed: true, loadMs: 0, initMs: 0, peakRssBytes: 0, plannedBytes: 0, trialsJson: '', conditionsJson: '', runnerJson: '', durationMs: 0, runtime: undefined,
    ...partial,
  };
}

function job(id: string, program: string, r: JobResult | undefined): Job {
  return {
    id, runId: 'r', program: { sha256: `sha-${program}`, name: program, size: 0, methods: [], operators: [], delegates: [], rtol: 0, atol: 0, hasTolerances: false, plannedBytes: 0, expectedSha256: '', expectedInputs: '' },
    method: '', deviceId: 'd1', selector: 'd1', config: undefined, state: JobState.JOB_STATE_DONE, attempt: 1, reason: '', result: r, stats: undefined, runtime: undefined,
  };
}

const nights = (values: number[][]): NightPoint[] => values.map((trials, i) => ({ runId: `n${i}`, at: `2026-01-${String(i + 1).padStart(2, '0')}`, trials }));
const around = (m: number, n = 5): number[] => Array.from({ length: n }, (_, i) => m * (1 + (i - (n >> 1)) * 0.004));

test('trial medians: the trials record when present, else the whole result as one trial', (t) => {
  t.deepEqual(trialMediansOf(job('a', 'p', result({ samplesMs: [5, 1, 3] }))), [3]);
  t.deepEqual(trialMediansOf(job('a', 'p', result({ trialsJson: JSON.stringify([{ index: 0, samples_ms: [1, 2], median_ms: 1.5 }, { index: 1, samples_ms: [4, 2, 3], median_ms: 3 }]) }))), [1.5, 3]);
  // A record without median_ms breaks the trial contract: the result counts as one trial of its samples.
  t.deepEqual(trialMediansOf(job('a', 'p', result({ samplesMs: [7, 5, 6], trialsJson: JSON.stringify([{ index: 0, samples_ms: [4, 2, 3] }]) }))), [6]);
  t.deepEqual(trialMediansOf(job('a', 'p', result({ trialsJson: 'null', samplesMs: [2] }))), [2]);
});

test('a wrong output, a crash or no result makes the series invalid; the other launches do not count', (t) => {
  t.regex(problemOf(job('a', 'p', result({ correctnessPassed: false, status: ResultStatus.RESULT_STATUS_FAILED, problem: 'output 0 differs' })))!, /^wrong result: a correctness check failed: output 0 differs/);
  t.regex(problemOf(job('a', 'p', result({ status: ResultStatus.RESULT_STATUS_CRASHED, problem: '' })))!, /^the run did not succeed \(RESULT_STATUS_CRASHED\)$/);
  t.is(problemOf({ ...job('a', 'p', undefined), reason: 'unschedulable: no XnnpackBackend' }), 'unschedulable: no XnnpackBackend');
  const points = seriesOfRun([job('1', 'p', result({ samplesMs: [1] })), job('2', 'p', result({ correctnessPassed: false })), job('3', 'q', result({ samplesMs: [2] })), job('4', 'q', result({ samplesMs: [2.1] }))], new Map());
  t.is(points.length, 2);
  t.regex(points[0]!.problem!, /correctness/);
  t.deepEqual(points[1]!.trials, [2, 2.1]);
  const history = nights([around(0.5), around(0.5), around(0.5)]);
  const { series } = analyzeNight(points, () => history, OPTIONS);
  t.is(series[0]!.status, 'invalid');
  t.is(series[0]!.verdict, null, 'never compared as a timing');
  t.true(series[0]!.baselineTrials > 0);
});

test('BH across the night: one real slowdown among many unchanged series is the only discovery; noisy series are unstable', (t) => {
  const base = nights([around(1), around(1.002), around(0.998)]);
  const noisy = nights([[1, 1.5, 0.7, 1.3, 0.8], [1.4, 0.6, 1, 1.2, 0.9], [1, 1.3, 0.75, 1.1, 0.95]]);
  const points = [
    ...Array.from({ length: 20 }, (_, i) => ({ key: `same${i}`, candidate: around(1.001) })),
    { key: 'slow', candidate: around(1.2) },
    { key: 'fast', candidate: around(0.8) },
    { key: 'noisy', candidate: around(2) },
    { key: 'new', candidate: around(1) },
  ].map(({ key, candidate }) => ({ key, trials: candidate, problem: null, jobIds: [], program: key, programSha: key, method: '', unit: 'u', deviceId: 'd', configKey: 'c', build: 'device' }));
  const baselineOf = (key: string): NightPoint[] => (key === 'noisy' ? noisy : key === 'new' ? [] : base);
  const { series, expectedFalseAlarms } = analyzeNight(points, baselineOf, OPTIONS);
  const status = Object.fromEntries(series.map((s) => [s.key, s.status]));
  t.is(status['slow'], 'suspected', 'significant, not yet confirmed');
  t.is(status['fast'], 'improvement');
  t.is(status['noisy'], 'unstable');
  t.is(status['new'], 'insufficient-data');
  t.deepEqual(series.filter((s) => s.key.startsWith('same')).map((s) => s.status), Array(20).fill('no-change'));
  t.deepEqual(series.filter((s) => s.discovery).map((s) => s.key).sort(), ['fast', 'slow']);
  t.is(expectedFalseAlarms, 0.1, 'q times the two discoveries among the 22 series judged');
  t.is(series.find((s) => s.key === 'slow')!.baselineNights, 3);
  t.is(series.find((s) => s.key === 'slow')!.baselineTrials, 15);
});

test('a slow drift: a level shift over nights is found and dated; a flat history has none', (t) => {
  const flat = nights(Array.from({ length: 12 }, (_, i) => around(1 + (i % 2) * 0.002)));
  t.is(driftOf(flat), null);
  const stepped = nights(Array.from({ length: 12 }, (_, i) => around(i < 7 ? 1 : 1.06)));
  const drift = driftOf(stepped);
  t.truthy(drift);
  t.is(drift!.runId, 'n7');
  t.true(Math.abs(drift!.ratio - 1.06) < 0.01, String(drift!.ratio));
  t.is(driftOf(nights([around(1), around(2)])), null, 'too short to judge');
});

test('a second unit of the same model: another unit, same kind, CPU and model tag, not offline', (t) => {
  const device = (id: string, unitId: string, extra: Partial<Device> = {}): Device => ({
    id, unitId, kind: 'phone', state: DeviceState.DEVICE_STATE_ONLINE, os: 'android', arch: 'arm64', cpuModel: 'SM8550', features: [], cores: 8, memoryBytes: 0,
    tags: { model: 'pixel-8' }, runtime: undefined, capabilities: undefined, agentId: 'a', lastSeenMs: 0, ...extra,
  });
  const a = device('p1', 'u1');
  const devices = [a, device('p2', 'u1'), device('p3', 'u3', { tags: { model: 'pixel-7' } }), device('p4', 'u4', { state: DeviceState.DEVICE_STATE_OFFLINE }), device('p5', 'u5')];
  t.is(secondUnit(a, devices)?.id, 'p5');
  t.is(secondUnit(a, devices.slice(0, 4)), null);
  t.is(secondUnit(undefined, devices), null);
});
