// Values checked against scipy 1.17 (scipy.stats.mannwhitneyu, norm.sf, trim_mean,
// false_discovery_control), computed once and written here.
import test from 'ava';
import { benjaminiHochberg, mannWhitneyU, median, trimmedMean, robustCvPct } from '../../orchestrator/verdicts/index.js';
import { normalSf } from '../../orchestrator/verdicts/normal.js';

const close = (t: { true: (v: boolean, m?: string) => void }, got: number, want: number, rel = 1e-9): void =>
  t.true(Math.abs(got - want) <= rel * Math.abs(want), `got ${got}, want ${want}`);

test('median and trimmed mean match numpy/scipy', (t) => {
  t.is(median([3, 1, 4, 1, 5, 9, 2, 6]), 3.5);
  t.is(median([7, 1, 3]), 3);
  t.true(Number.isNaN(median([])));
  t.is(trimmedMean([3, 1, 4, 1, 5, 9, 2, 6, 5, 3], 0.1), 3.625);
  t.is(trimmedMean([1, 2, 3, 4, 100, 5, 6, 7, 8, 9, 10, -50], 0.2), 5.5);
  t.throws(() => median([1, NaN]), { message: /finite/ });
  t.throws(() => trimmedMean([1], 0.5), { message: /fraction/ });
});

test('robust CV: 1.4826 MAD / median, ignores one wild value', (t) => {
  // median 10.1, deviations 0.2,0.1,0,0.1,4.9 -> MAD 0.1 -> 1.4826 x 0.1 / 10.1 x 100 %
  close(t, robustCvPct([10, 10.1, 9.9, 10.2, 15]), (1.4826 * 0.1) / 10.1 * 100);
  t.is(robustCvPct([5]), 0);
});

test('normal upper tail matches scipy.stats.norm.sf', (t) => {
  const want: [number, number][] = [[0, 0.5], [0.5, 0.3085375387259869], [1.96, 0.024997895148220435], [3, 0.0013498980316300933],
    [5, 2.866515718791933e-07], [8, 6.22096057427174e-16], [-2.5, 0.9937903346742238]];
  for (const [z, p] of want) close(t, normalSf(z), p, 1e-10);
});

test('Mann-Whitney exact (small, no ties) matches scipy method=exact', (t) => {
  let r = mannWhitneyU([1.1, 2.3, 0.7, 4.5, 3.3], [5.1, 6.2, 2.9, 7.7, 8.0, 9.1]);
  t.is(r.u, 2);
  close(t, r.p, 0.017316017316017316);
  r = mannWhitneyU([10.0, 10.4, 10.1, 10.3, 9.9, 10.2, 10.6], [10.5, 10.7, 10.25, 10.9, 11.0, 10.35, 10.8, 11.2]);
  t.is(r.u, 6);
  close(t, r.p, 0.009324009324009324);
  // Swapping the samples gives the complementary U and the same two-sided p.
  const s = mannWhitneyU([10.5, 10.7, 10.25, 10.9, 11.0, 10.35, 10.8, 11.2], [10.0, 10.4, 10.1, 10.3, 9.9, 10.2, 10.6]);
  t.is(s.u, 56 - 6);
  close(t, s.p, 0.009324009324009324);
  // 3 vs 3 completely separated: the smallest two-sided p there is, 2 / C(6,3).
  close(t, mannWhitneyU([1, 2, 3], [4, 5, 6]).p, 0.1);
});

test('Mann-Whitney with ties or large samples matches scipy method=asymptotic', (t) => {
  const r = mannWhitneyU([1, 2, 2, 3, 3, 3, 4, 5], [3, 4, 4, 5, 5, 6, 7, 7, 8]);
  t.is(r.u, 7.5);
  close(t, r.p, 0.006373133838085873);
  const a = [110.205, 87.222, 102.09, 97.161, 97.737, 98.922, 89.9, 98.84, 95.674, 116.615, 101.129, 98.237, 98.594, 96.66, 94.724, 98.046, 102.41, 98.807, 104.789, 99.001, 100.121, 107.729, 102.726, 97.474, 99.086, 102.703, 109.675, 98.652, 98.782, 105.012];
  const b = [100.741, 103.126, 112.319, 107.296, 95.793, 103.974, 100.883, 104.743, 95.959, 105.209, 105.177, 111.878, 105.583, 106.553, 96.534, 115.264, 94.422, 109.509, 102.35, 99.597, 100.719, 100.64, 105.901, 103.45, 111.413, 94.852, 103.985, 99.54, 107.879, 93.41, 102.282, 105.051, 96.579, 108.926, 104.894];
  const l = mannWhitneyU(a, b);
  t.is(l.u, 349);
  close(t, l.p, 0.020920815731357553);
  t.is(mannWhitneyU([2, 2, 2], [2, 2, 2]).p, 1);
  t.throws(() => mannWhitneyU([1, Infinity], [2]), { message: /sample a/ });
});

test('Benjamini-Hochberg matches scipy.stats.false_discovery_control', (t) => {
  const p = [0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.045, 0.02, 0.9, 0.001];
  t.deepEqual(benjaminiHochberg(p, 0.05), [true, false, false, true, false, false, false, true, false, true]);
  t.deepEqual(benjaminiHochberg(p, 0.1), [true, true, true, true, false, false, true, true, false, true]);
  t.deepEqual(benjaminiHochberg([NaN, 0.001], 0.05), [false, true]);
  t.throws(() => benjaminiHochberg([0.1], 0), { message: /q must be/ });
});
