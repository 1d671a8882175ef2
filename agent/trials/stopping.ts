// The adaptive stopping rule: after each trial (one process launch), decide whether its median
// is known well enough. The interval is distribution-free: the order statistics of the trial
// medians that bracket the population median with at least the asked confidence (a binomial
// argument, no assumption about the shape of the timing distribution), so a heavy tail or a
// bimodal device cannot make it look tighter than it is.

import type { TrialPolicyRules } from './policy.js';

export interface MedianInterval {
  /** The sample median of the trial medians (mean of the middle two for an even count). */
  median: number;
  lo: number;
  hi: number;
  /** The larger side's distance from the median, in percent of the median. */
  halfWidthPct: number;
  /** The coverage actually guaranteed (>= the one asked for). */
  confidence: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/** P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so n in the thousands stays exact enough. */
function binomialHalfCdf(n: number, k: number): number {
  let logTerm = -n * Math.LN2; // log C(n,0) / 2^n
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += Math.exp(logTerm);
    logTerm += Math.log((n - i) / (i + 1));
  }
  return Math.min(1, sum);
}

/**
 * The order-statistic confidence interval of the median: [x(k), x(n+1-k)] (1-based, sorted) with
 * the largest k whose two-sided coverage 1 - 2 P(Binomial(n, 1/2) <= k - 1) is at least
 * `confidence`. Null when there are too few values for any such k (fewer than 6 at 95%).
 */
export function medianInterval(xs: readonly number[], confidence = 0.95): MedianInterval | null {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0 || !(confidence > 0 && confidence < 1)) return null;
  let k = 0;
  let coverage = 0;
  for (let j = 1; j <= Math.floor((n + 1) / 2); j++) {
    const c = 1 - 2 * binomialHalfCdf(n, j - 1);
    if (c + 1e-12 < confidence) break;
    k = j;
    coverage = c;
  }
  if (k === 0) return null;
  const m = median(s);
  const lo = s[k - 1]!;
  const hi = s[n - k]!;
  const halfWidthPct = m > 0 ? (Math.max(m - lo, hi - m) / m) * 100 : Infinity;
  return { median: m, lo, hi, halfWidthPct, confidence: coverage };
}

export type StopReason = 'min-trials' | 'target-ci' | 'max-trials' | 'max-seconds' | 'job-timeout';

export interface StopState {
  /** Medians of the trials done so far, in order. */
  medians: readonly number[];
  /** Seconds since the first trial started. */
  elapsedS: number;
  /** Seconds the last trial took (launch to exit), to foresee whether one more fits. */
  lastTrialS: number;
  /** Seconds left before the job's own timeout; Infinity when unbounded. */
  remainingS: number;
}

/** Why to stop now, or null to run another trial. The order of the checks is the policy's precedence. */
export function stopReason(state: StopState, rules: TrialPolicyRules): StopReason | null {
  const n = state.medians.length;
  if (n >= rules.maxTrials) return 'max-trials';
  // A trial that would not finish before the job's timeout would throw away every trial so far.
  if (state.remainingS < state.lastTrialS * 1.5) return 'job-timeout';
  if (rules.maxSeconds > 0 && state.elapsedS + state.lastTrialS > rules.maxSeconds) return 'max-seconds';
  if (n < rules.minTrials || state.elapsedS < rules.minSeconds) return null;
  if (rules.targetCiPct <= 0) return 'min-trials';
  const ci = medianInterval(state.medians, rules.confidence);
  return ci !== null && ci.halfWidthPct <= rules.targetCiPct ? 'target-ci' : null;
}
