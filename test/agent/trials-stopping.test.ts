// The adaptive stopping rule (agent/trials/stopping.ts) and the policy defaults: the
// order-statistic interval of the median, then quiet data stopping early and noisy data running
// to the maximum.

import test from 'ava';
import {
  SINGLE_LAUNCH, TrialPolicyError, compileTrialPolicy, median, medianInterval, stopReason, type TrialPolicyRules,
} from '../../agent/trials/index.js';

test('the median interval uses the order statistics a binomial argument allows', (t) => {
  // Fewer than 6 values cannot give 95% two-sided coverage: 1 - 2/2^5 = 0.9375 for n = 5.
  t.is(medianInterval([1, 2, 3, 4, 5]), null);
  t.not(medianInterval([1, 2, 3, 4, 5], 0.9), null);
  // n = 6: only [x(1), x(6)] covers 1 - 2/64 = 0.96875.
  const six = medianInterval([10, 11, 12, 13, 14, 15])!;
  t.deepEqual([six.lo, six.hi, six.median], [10, 15, 12.5]);
  t.true(Math.abs(six.confidence - 0.96875) < 1e-9);
  // n = 20 at 95%: k = 6 (P(B <= 5) = 0.0207; P(B <= 6) = 0.0577 too large): [x(6), x(15)].
  const twenty = medianInterval(Array.from({ length: 20 }, (_, i) => 100 + i))!;
  t.deepEqual([twenty.lo, twenty.hi], [105, 114]);
  t.true(twenty.confidence >= 0.95 && twenty.confidence < 0.96, String(twenty.confidence));
  // The half-width is the larger side, relative to the median: (114 - 109.5) / 109.5.
  t.true(Math.abs(twenty.halfWidthPct - (4.5 / 109.5) * 100) < 1e-9);
  // Order does not matter.
  t.deepEqual(medianInterval([15, 10, 14, 11, 13, 12]), six);
  t.is(median([3, 1, 2]), 2);
  t.is(median([4, 1, 3, 2]), 2.5);
});

test('policy defaults: absent means one launch; max follows min, or 30 with a target; bad values are named', (t) => {
  t.deepEqual(compileTrialPolicy(undefined), SINGLE_LAUNCH);
  t.like(compileTrialPolicy({ minTrials: 0, maxTrials: 0, targetCiPct: 0, minSeconds: 0, maxSeconds: 0 }), { minTrials: 1, maxTrials: 1 });
  t.like(compileTrialPolicy({ minTrials: 5, maxTrials: 0, targetCiPct: 0, minSeconds: 0, maxSeconds: 0 }), { minTrials: 5, maxTrials: 5 });
  t.like(compileTrialPolicy({ minTrials: 3, maxTrials: 0, targetCiPct: 1, minSeconds: 0, maxSeconds: 0 }), { minTrials: 3, maxTrials: 30 });
  t.throws(() => compileTrialPolicy({ minTrials: 5, maxTrials: 3, targetCiPct: 0, minSeconds: 0, maxSeconds: 0 }), { instanceOf: TrialPolicyError, message: /max_trials \(3\) is below min_trials \(5\)/ });
  t.throws(() => compileTrialPolicy({ minTrials: 1, maxTrials: 3, targetCiPct: -1, minSeconds: 0, maxSeconds: 0 }), { message: /target_ci_pct must be a number >= 0/ });
  t.throws(() => compileTrialPolicy({ minTrials: 1, maxTrials: 3, targetCiPct: 1, minSeconds: 10, maxSeconds: 5 }), { message: /min_seconds \(10\) is above max_seconds \(5\)/ });
});

/** Runs the rule over a stream of trial medians as the agent would; returns how many trials ran and why it stopped. */
function simulate(medians: readonly number[], rules: TrialPolicyRules, trialS = 0.1, timeoutS = Infinity): { n: number; why: string } {
  const done: number[] = [];
  for (const m of medians) {
    done.push(m);
    const why = stopReason({ medians: done, elapsedS: done.length * trialS, lastTrialS: trialS, remainingS: timeoutS - done.length * trialS }, rules);
    if (why !== null) return { n: done.length, why };
  }
  return { n: done.length, why: 'ran out of data' };
}

/** Deterministic pseudo-random numbers in [0, 1) (a 32-bit LCG): tests must not flake. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const rules = (over: Partial<TrialPolicyRules> = {}): TrialPolicyRules => ({ ...compileTrialPolicy({ minTrials: 3, maxTrials: 20, targetCiPct: 1, minSeconds: 0, maxSeconds: 0 }), ...over });

test('quiet data stops as soon as the interval is within the target; noisy data runs to the maximum', (t) => {
  const rand = lcg(7);
  // Trial medians within +-0.2% of 10 ms: the interval exists from 6 trials on and is tight.
  const quiet = Array.from({ length: 20 }, () => 10 * (1 + (rand() - 0.5) * 0.004));
  t.deepEqual(simulate(quiet, rules()), { n: 6, why: 'target-ci' });
  // +-10% noise never gets within +-1%.
  const noisy = Array.from({ length: 20 }, () => 10 * (1 + (rand() - 0.5) * 0.2));
  t.deepEqual(simulate(noisy, rules()), { n: 20, why: 'max-trials' });
  // A looser target stops the noisy series earlier than the maximum.
  t.true(simulate(noisy, rules({ targetCiPct: 15 })).n < 20);
});

test('the bounds: min trials, min and max seconds, the job timeout, and no target', (t) => {
  const flat = Array.from({ length: 40 }, () => 5);
  t.deepEqual(simulate(flat, rules({ minTrials: 8 })), { n: 8, why: 'target-ci' }, 'at least min trials even when the interval is tight earlier');
  t.deepEqual(simulate(flat, rules({ minSeconds: 1.5 }), 0.1), { n: 15, why: 'target-ci' }, 'at least min seconds');
  t.deepEqual(simulate(Array.from({ length: 40 }, (_, i) => 5 + (i % 2)), rules({ maxTrials: 40, maxSeconds: 1 }), 0.25), { n: 4, why: 'max-seconds' }, 'a fifth trial of 0.25 s would end past 1 s');
  t.deepEqual(simulate(flat, rules({ minTrials: 30, maxTrials: 30 }), 1, 10), { n: 9, why: 'job-timeout' }, 'no trial is started that would not finish before the job timeout');
  t.deepEqual(simulate(flat, rules({ minTrials: 4, targetCiPct: 0 })), { n: 4, why: 'min-trials' });
  t.deepEqual(simulate(flat, SINGLE_LAUNCH), { n: 1, why: 'max-trials' });
});
