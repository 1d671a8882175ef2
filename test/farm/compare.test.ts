// compareRuns (orchestrator/compare.ts) on runs made up here, and how `etbench compare` shows and
// gates its answer (cli/farm/compare-report.ts). The farm itself is faked: compare only reads
// runView(id).jobs.
import test from 'ava';
import { compareTable, failingSeries } from '../../cli/farm/compare-report.js';
import { compareRuns, resultTrialMedians } from '../../orchestrator/compare.js';
import type { Farm } from '../../orchestrator/farm.js';
import { Job, JobResult, type SeriesComparison } from '../../proto/index.js';

function job(program: string, device: string, samples: number[], trials: number[] | null, extra: Partial<JobResult> = {}): Job {
  return Job.fromPartial({
    program: { name: program, sha256: `sha-${program}` }, method: 'forward', deviceId: device, config: { kernels: 'portable' },
    result: {
      status: 1, samplesMs: samples,
      trialsJson: trials === null ? '' : JSON.stringify(trials.map((m, index) => ({ index, samples_ms: [m], median_ms: m, batch: 1, conditions: null, waited_ms: 0 }))),
      ...extra,
    },
  });
}

function farmOf(runs: Record<string, Job[]>): Farm {
  return { runView: async (id: string) => ({ jobs: runs[id] ?? [] }) } as unknown as Farm;
}

const noisy = (center: number, n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => center * (1 + 0.004 * Math.sin(seed * 7 + i * 2.3)));

test('trial medians of a result: the trials records, else the median of the samples', (t) => {
  t.deepEqual(resultTrialMedians(JobResult.fromPartial({ samplesMs: [3, 1, 2, 10] })), [2.5]);
  t.deepEqual(resultTrialMedians(JobResult.fromPartial({ samplesMs: [3], trialsJson: '[{"median_ms": 1.5}, {"median_ms": 1.7}]' })), [1.5, 1.7]);
  t.deepEqual(resultTrialMedians(JobResult.fromPartial({ samplesMs: [3], trialsJson: 'not json' })), [3]);
  t.deepEqual(resultTrialMedians(JobResult.fromPartial({ samplesMs: [] })), []);
  t.deepEqual(resultTrialMedians(JobResult.fromPartial({ samplesMs: [0, 0, 0] })), []);
});

test('compareRuns: verdicts per series from trial medians, BH across series', async (t) => {
  const farm = farmOf({
    a: [job('slow', 'd1', [1, 1, 1], noisy(1, 8, 1)), job('same', 'd1', [2, 2], noisy(2, 8, 2)), job('single', 'd1', [3, 3.1], null),
      job('wrong', 'd1', [1], noisy(1, 8, 3), { correctnessChecked: true, correctnessPassed: false })],
    b: [job('slow', 'd1', [1.2, 1.2], noisy(1.1, 8, 4)), job('same', 'd1', [2, 2], noisy(2, 8, 5)), job('single', 'd1', [3.5, 3.6], null),
      job('wrong', 'd1', [1], noisy(1, 8, 6))],
  });
  const response = await compareRuns(farm, { runA: 'a', runB: 'b', minEffectPct: 0, fdrQ: 0 });
  const by = new Map(response.series.map((s) => [s.program, s]));
  t.false(by.has('wrong'), 'a result that failed its correctness check is never a timing');
  t.is(response.fdrQ, 0.05);
  t.is(response.minEffectPct, 1);
  const slow = by.get('slow')!;
  t.is(slow.verdict, 'regression');
  t.true(slow.discovery);
  t.is(slow.trialsA, 8);
  t.true(slow.ciLo > 1.05 && slow.ciHi < 1.15 && slow.pValue < 0.01, JSON.stringify(slow));
  t.is(by.get('same')!.verdict, 'no-change');
  const single = by.get('single')!;
  t.is(single.verdict, 'insufficient-data');
  t.is(single.trialsA, 1);
  t.true(Number.isNaN(single.pValue));
  t.is(single.medianAMs, 3, 'pooled sample median keeps the nearest-rank definition');
  t.is(response.expectedFalseAlarms, 0.05);
  // A large minimum effect turns the 10 % slowdown into no-change.
  const strict = await compareRuns(farm, { runA: 'a', runB: 'b', minEffectPct: 20, fdrQ: 0.05 });
  t.is(strict.series.find((s) => s.program === 'slow')!.verdict, 'no-change');
});

const series = (over: Partial<SeriesComparison>): SeriesComparison => ({
  program: 'p', method: '', deviceId: 'd', configKey: '{}', medianAMs: 1, medianBMs: 1, ratio: 1, ciLo: NaN, ciHi: NaN, pValue: NaN,
  verdict: 'insufficient-data', trialsA: 1, trialsB: 1, noisePct: 0, discovery: false, ...over,
});

test('--fail-on-regression: kept regressions fail; the ratio gate covers unjudged series or an explicit --threshold', (t) => {
  const regressed = series({ program: 'r', ratio: 1.04, ciLo: 1.02, ciHi: 1.06, pValue: 0.001, verdict: 'regression', discovery: true, trialsA: 10, trialsB: 10 });
  const notKept = series({ program: 'n', ratio: 1.04, verdict: 'regression', discovery: false, trialsA: 10, trialsB: 10 });
  const unjudged = series({ program: 'u', ratio: 1.2 });
  const quietSlow = series({ program: 'q', ratio: 1.2, verdict: 'no-change', trialsA: 10, trialsB: 10 });
  const f = failingSeries([regressed, notKept, unjudged, quietSlow], undefined);
  t.is(f.regressed.length, 1);
  t.regex(f.regressed[0]!, /^r default on d: 1\.040x \(CI 1\.020-1\.060, p 0\.001\)/);
  t.deepEqual(f.overThreshold, ['u default on d: 1.200x']);
  const explicit = failingSeries([regressed, notKept, unjudged, quietSlow], 1.1);
  t.deepEqual(explicit.overThreshold, ['u default on d: 1.200x', 'q default on d: 1.200x']);
  t.deepEqual(failingSeries([notKept], undefined), { regressed: [], overThreshold: [], limit: 1.1 });
});

test('the compare table shows ratio, CI, p, trials and verdict', (t) => {
  const text = compareTable({
    series: [series({ program: 'r', ratio: 1.04, ciLo: 1.02, ciHi: 1.06, pValue: 0.0001, verdict: 'regression', discovery: true, trialsA: 10, trialsB: 9, noisePct: 0.8 }),
      series({ program: 'n', verdict: 'regression', discovery: false })],
    expectedFalseAlarms: 0.05, fdrQ: 0.05, minEffectPct: 1,
  });
  t.regex(text, /95% CI/);
  t.regex(text, /r .*1\.040 .*1\.020-1\.060 .*1\.0e-4 .*10\/9 .*0\.8 .*regression/);
  t.regex(text, /regression \(not kept by FDR\)/);
  t.regex(text, /FDR q=0\.05 across 2 series: 1 alert\(s\), expected false alarms 0\.05/);
});
