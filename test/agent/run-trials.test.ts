// runTrials with a scripted driver: a failing launch ends the job with its failure (earlier trials
// kept), an abort ends it CANCELLED, and merging keeps every sample and the document's trials.

import test from 'ava';
import type { DeviceDriver, DriverOutcome } from '../../agent/index.js';
import { SINGLE_LAUNCH, runTrials, type TrialPolicyRules } from '../../agent/trials/index.js';
import { ResultStatus, type Device } from '../../proto/index.js';

function outcome(status: ResultStatus, samples: number[], problem = ''): DriverOutcome {
  const runner = { schema_version: 1, latency_ms: { samples, batch: 1, p50: samples[0] ?? 0 }, trials: null, conditions: null };
  return {
    status, exitCode: status === ResultStatus.RESULT_STATUS_OK ? 0 : 5, signal: '', problem, samplesMs: samples, batch: 1, correctnessChecked: true,
    correctnessPassed: true, loadMs: samples.length, initMs: 1, peakRssBytes: samples.length * 100, plannedBytes: 5, trialsJson: '', conditionsJson: '',
    runnerJson: JSON.stringify(runner), durationMs: 1, runtime: undefined,
  };
}

function scripted(script: ((signal: AbortSignal) => Promise<DriverOutcome>)[]): DeviceDriver & { runs: number } {
  const d = {
    name: 'scripted', runs: 0, discover: async () => [], conditions: async () => ({ max_temperature_c: 30 }), prepare: async () => undefined,
    cleanup: async () => undefined, run: async (_d: Device, _j: unknown, signal: AbortSignal) => script[d.runs++]!(signal),
  };
  return d;
}

const job = {
  programPath: 'x.pte', method: null, timeoutMs: 60_000, memoryLimitBytes: 0, rtol: null, atol: null, runtimePath: null,
  config: { kernels: '', backends: [], threads: 0, warmup: 0, hasWarmup: false, iterations: 0, minSeconds: 0, inputs: '' },
};
const device = { id: 'h', kind: 'host' } as Device;
const rules: TrialPolicyRules = { ...SINGLE_LAUNCH, minTrials: 3, maxTrials: 3 };

test('three launches merge: samples in order, medians of load and init, largest RSS, the document carries the trials', async (t) => {
  const driver = scripted([
    async () => outcome(ResultStatus.RESULT_STATUS_OK, [3, 1, 2]),
    async () => outcome(ResultStatus.RESULT_STATUS_OK, [5, 4]),
    async () => outcome(ResultStatus.RESULT_STATUS_OK, [7, 9, 8, 6, 10]),
  ]);
  const { outcome: o, summary } = await runTrials({ driver, device, job, rules, gate: null, signal: new AbortController().signal });
  t.is(driver.runs, 3);
  t.deepEqual(o.samplesMs, [3, 1, 2, 5, 4, 7, 9, 8, 6, 10]);
  t.deepEqual(JSON.parse(o.trialsJson).map((x: { median_ms: number }) => x.median_ms), [2, 4.5, 8]);
  t.is(o.loadMs, 3);
  t.is(o.peakRssBytes, 500);
  const doc = JSON.parse(o.runnerJson) as { trials: unknown[]; conditions: { max_temperature_c: number }; latency_ms: { p50: number; samples: number[]; p99: number } };
  t.is(doc.trials.length, 3);
  t.is(doc.latency_ms.p50, 4.5, 'median of trial medians');
  t.is(doc.latency_ms.samples.length, 10);
  t.is(doc.latency_ms.p99, 10);
  t.is(doc.conditions.max_temperature_c, 30);
  t.like(summary, { trials: 3, stop: 'max-trials', median_ms: 4.5, ci_ms: null });
});

test('a failing launch ends the job with its failure; the trials before it stay in the record', async (t) => {
  const driver = scripted([
    async () => outcome(ResultStatus.RESULT_STATUS_OK, [1, 2, 3]),
    async () => outcome(ResultStatus.RESULT_STATUS_FAILED, [], 'RUNTIME_ERROR: kernel failed'),
    async () => outcome(ResultStatus.RESULT_STATUS_OK, [1]),
  ]);
  const { outcome: o, summary } = await runTrials({ driver, device, job, rules, gate: null, signal: new AbortController().signal });
  t.is(driver.runs, 2, 'no launch after the failure');
  t.is(o.status, ResultStatus.RESULT_STATUS_FAILED);
  t.is(o.problem, 'trial 2: RUNTIME_ERROR: kernel failed');
  t.is(JSON.parse(o.trialsJson).length, 1);
  t.like(JSON.parse(o.conditionsJson), { max_temperature_c: 30, gate: { kind: 'host' } });
  t.is(summary.stop, 'failed');
});

test('an abort between launches ends the job CANCELLED by the driver', async (t) => {
  const abort = new AbortController();
  const driver = scripted([
    async () => { abort.abort(); return outcome(ResultStatus.RESULT_STATUS_OK, [1, 2, 3]); },
    async (signal) => outcome(signal.aborted ? ResultStatus.RESULT_STATUS_CANCELLED : ResultStatus.RESULT_STATUS_OK, [], 'cancelled'),
  ]);
  const { outcome: o, summary } = await runTrials({ driver, device, job, rules, gate: null, signal: abort.signal });
  t.is(o.status, ResultStatus.RESULT_STATUS_CANCELLED);
  t.is(summary.stop, 'cancelled');
});
