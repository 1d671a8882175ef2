// Properties on synthetic data: interval coverage, test size and power, change points found
// where they are and not where they are not, verdicts that keep their promises.
import test from 'ava';
import { bootstrapMedianCI, bootstrapRatioCI, changePoints, compareTrials, mannWhitneyU, nightVerdicts, seededRandom } from '../../orchestrator/verdicts/index.js';

function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
const draw = (n: number, mean: number, sd: number, normal: () => number): number[] => Array.from({ length: n }, () => mean + sd * normal());

test('bootstrap intervals are deterministic per seed and cover the true median about 95% of the time', (t) => {
  const normal = gaussian(seededRandom(11));
  const xs = draw(15, 10, 1, normal);
  t.deepEqual(bootstrapMedianCI(xs, { seed: 4 }), bootstrapMedianCI(xs, { seed: 4 }));
  let covered = 0;
  const reps = 300;
  for (let r = 0; r < reps; r++) {
    const [lo, hi] = bootstrapMedianCI(draw(25, 10, 1, normal), { resamples: 500, seed: r });
    if (lo <= 10 && 10 <= hi) covered++;
  }
  // The percentile bootstrap of a median is a little liberal or conservative; 88-99 % is sane,
  // a broken interval (e.g. too narrow by half) lands far below.
  t.true(covered / reps > 0.88 && covered / reps < 0.995, `coverage ${covered / reps}`);
  const r = bootstrapRatioCI([10, 10.1, 9.9, 10.05, 9.95], [11, 11.1, 10.9, 11.05, 10.95]);
  t.true(Math.abs(r.ratio - 1.1) < 1e-12);
  t.true(r.lo <= r.ratio && r.ratio <= r.hi && r.lo > 1.05 && r.hi < 1.15);
});

test('Mann-Whitney: about alpha false positives under the null, high power for a clear shift', (t) => {
  const normal = gaussian(seededRandom(5));
  let fp = 0;
  let hits = 0;
  const reps = 400;
  for (let r = 0; r < reps; r++) {
    if (mannWhitneyU(draw(10, 0, 1, normal), draw(10, 0, 1, normal)).p < 0.05) fp++;
    if (mannWhitneyU(draw(10, 0, 1, normal), draw(10, 2, 1, normal)).p < 0.05) hits++;
  }
  t.true(fp / reps < 0.08, `false positive rate ${fp / reps}`);
  t.true(fp / reps > 0.01, `false positive rate ${fp / reps} (a test that never fires is broken too)`);
  t.true(hits / reps > 0.9, `power ${hits / reps}`);
});

test('change points: finds steps where they are, nothing in stationary noise', (t) => {
  const normal = gaussian(seededRandom(9));
  const steps = [...draw(30, 10, 0.2, normal), ...draw(30, 11, 0.2, normal), ...draw(25, 10.5, 0.2, normal)];
  t.deepEqual(changePoints(steps, { seed: 2 }), [30, 60]);
  // Same seed, same answer.
  t.deepEqual(changePoints(steps, { seed: 2 }), changePoints(steps, { seed: 2 }));
  // A change in spread only (same mean) is also a change in distribution.
  const spread = [...draw(40, 10, 0.1, normal), ...draw(40, 10, 2, normal)];
  const found = changePoints(spread, { seed: 3 });
  t.is(found.length, 1);
  t.true(Math.abs(found[0]! - 40) <= 3, `spread change found at ${found[0]}`);
  let falseAlarms = 0;
  for (let r = 0; r < 40; r++) if (changePoints(draw(50, 10, 0.5, normal), { seed: r, permutations: 99 }).length > 0) falseAlarms++;
  t.true(falseAlarms <= 6, `${falseAlarms} of 40 stationary series had a change point`);
  t.deepEqual(changePoints([1, 2, 3]), []);
  t.throws(() => changePoints([1, NaN, 2]), { message: /series\[1\]/ });
});

test('compareTrials: the verdict kinds', (t) => {
  const normal = gaussian(seededRandom(21));
  const base = draw(10, 1, 0.005, normal);
  t.is(compareTrials(base, draw(10, 1.1, 0.005, normal)).kind, 'regression');
  t.is(compareTrials(base, draw(10, 0.9, 0.005, normal)).kind, 'improvement');
  t.is(compareTrials(base, draw(10, 1, 0.005, normal)).kind, 'no-change');
  // Significant but smaller than the minimum effect: not a regression.
  t.is(compareTrials(base, draw(10, 1.02, 0.002, normal), { minEffectPct: 5 }).kind, 'no-change');
  t.is(compareTrials([1, 1.01], [2, 2.1, 2.2]).kind, 'insufficient-data');
  const noisy = compareTrials([1, 1.3, 0.8, 1.2, 0.9], [2, 2, 2, 2, 2]);
  t.is(noisy.kind, 'unstable');
  t.true(noisy.noisePct > 5);
  const v = compareTrials([10, 10, 10, 10], [11, 11, 11, 11]);
  t.is(v.baselineTrials, 4);
  t.true(Math.abs(v.ratio - 1.1) < 1e-12);
  t.throws(() => compareTrials([1, 0, 1], [1, 1, 1]), { message: /baseline trial 1/ });
});

test('compareTrials: at most ~alpha false regressions, 5 % found with 1 % trial noise and 10 trials', (t) => {
  const normal = gaussian(seededRandom(33));
  let fp = 0;
  let hits = 0;
  const reps = 200;
  for (let r = 0; r < reps; r++) {
    const base = draw(10, 1, 0.01, normal);
    if (compareTrials(base, draw(10, 1, 0.01, normal)).kind === 'regression') fp++;
    if (compareTrials(base, draw(10, 1.05, 0.01, normal)).kind === 'regression') hits++;
  }
  t.true(fp / reps <= 0.03, `false positive rate ${fp / reps}`);
  t.true(hits / reps >= 0.9, `power ${hits / reps}`);
});

test('nightVerdicts: BH across series keeps the real regression and bounds false alarms', (t) => {
  const normal = gaussian(seededRandom(44));
  const series = Array.from({ length: 30 }, (_, i) => ({ key: `s${i}`, baseline: draw(8, 1, 0.01, normal), candidate: draw(8, i === 7 ? 1.1 : 1, 0.01, normal) }));
  series.push({ key: 'short', baseline: [1], candidate: [1.5] });
  const night = nightVerdicts(series);
  const alerts = night.results.filter((r) => r.discovery).map((r) => r.key);
  t.true(alerts.includes('s7'));
  t.true(alerts.length <= 2, `alerts: ${alerts.join(',')}`);
  t.is(night.results.find((r) => r.key === 'short')!.verdict.kind, 'insufficient-data');
  t.is(night.expectedFalseAlarms, 0.05 * alerts.length);
});
