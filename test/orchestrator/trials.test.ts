// orchestrator/trials.ts without a farm: trial medians (with the no-trials fallback of the shared
// contract), trial-level statistics, and which statistics Job.stats shows.

import test from 'ava';
import { resultStats, storedStats, trialMedians, trialStats, trimmedMean } from '../../orchestrator/trials.js';
import { computeStats } from '../../orchestrator/stats.js';

const trial = (index: number, samples: number[], median: number) => ({ index, samples_ms: samples, median_ms: median, batch: 1, conditions: null, waited_ms: 10 });

test('trialMedians: the records when there are some, else one trial of the samples, else none', (t) => {
  const trials = [trial(0, [1, 2, 9], 2), trial(1, [3, 4, 5], 4)];
  t.deepEqual(trialMedians({ trialsJson: JSON.stringify(trials), samplesMs: [1, 2, 9, 3, 4, 5] }), [2, 4]);
  t.deepEqual(trialMedians({ trialsJson: '', samplesMs: [5, 1, 3, 2] }), [2.5]);
  t.deepEqual(trialMedians({ trialsJson: 'not json', samplesMs: [7] }), [7]);
  t.deepEqual(trialMedians({ trialsJson: '', samplesMs: [] }), []);
  t.deepEqual(trialMedians(undefined), []);
});

test('trial statistics: median of medians, trimmed mean, tails over every sample, interval from 6 trials', (t) => {
  const medians = [10, 10.2, 9.9, 10.1, 30, 10];
  const trials = medians.map((m, i) => trial(i, [m - 1, m, m + 1], m));
  const all = trials.flatMap((x) => x.samples_ms);
  const s = trialStats({ trialsJson: JSON.stringify(trials), samplesMs: all })!;
  t.is(s.trials, 6);
  t.is(s.median_ms, 10.05);
  t.is(s.trimmed_mean_ms, trimmedMean(medians));
  t.is(s.p99_ms, 31);
  t.deepEqual(s.ci_ms, [9.9, 30]);
  t.is(s.waited_ms, 60);
  t.is(trimmedMean([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]), 5.5, '10% off each end of ten values drops one from each');
  t.is(trialStats({ trialsJson: '', samplesMs: [] }), null);
});

test('Job.stats: p50 is the median of trial medians with two or more trials; one trial keeps the sample statistics', (t) => {
  // Trial 1 is slow and long: its samples would dominate a pooled p50.
  const trials = [trial(0, [10, 10, 10], 10), trial(1, [20, 20, 20, 20, 20, 20, 20], 20), trial(2, [11, 11, 11], 11)];
  const all = trials.flatMap((x) => x.samples_ms);
  const result = { trialsJson: JSON.stringify(trials), samplesMs: all };
  const stats = resultStats(result, all);
  t.is(stats.p50, 11);
  t.is(computeStats(all).p50, 20, 'the pooled p50 would have been the slow trial');
  t.like(stats, { n: 13, min: 10, p99: 20 });
  const one = { trialsJson: JSON.stringify([trial(0, [1, 2, 3, 4], 2.5)]), samplesMs: [1, 2, 3, 4] };
  t.deepEqual(resultStats(one, one.samplesMs), computeStats([1, 2, 3, 4]));
  // After retention compacted the sample rows, the trials still give the same statistics.
  t.deepEqual(storedStats({ result, samples: [], summary: computeStats(all) }), stats);
  t.deepEqual(storedStats({ result: { trialsJson: '', samplesMs: [] }, samples: [], summary: computeStats([4]) }), computeStats([4]));
});
