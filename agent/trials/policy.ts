// The trial policy a job runs under: the wire's TrialPolicy (SubmitRunRequest / JobOffer field 11)
// compiled once into rules with every default filled and every value checked.

import type { TrialPolicy } from '../../proto/index.js';

export interface TrialPolicyRules {
  minTrials: number;
  maxTrials: number;
  /** Stop once the median's interval is within +-this percent of it; 0: no target. */
  targetCiPct: number;
  minSeconds: number;
  /** 0: no bound but the job's timeout. */
  maxSeconds: number;
  /** Coverage of the median's interval. */
  confidence: number;
}

/** When a target is set without a maximum, this bounds the trials. */
export const DEFAULT_MAX_TRIALS_WITH_TARGET = 30;
export const DEFAULT_CONFIDENCE = 0.95;

/** No policy: one launch, as before trials existed. */
export const SINGLE_LAUNCH: TrialPolicyRules = { minTrials: 1, maxTrials: 1, targetCiPct: 0, minSeconds: 0, maxSeconds: 0, confidence: DEFAULT_CONFIDENCE };

export class TrialPolicyError extends Error {
  override readonly name = 'TrialPolicyError';
}

/**
 * Fills defaults: min_trials 0 means 1; max_trials 0 means min_trials, or 30 when a CI target
 * is set; absent policy means one launch.
 * @throws TrialPolicyError naming the field that is out of range.
 */
export function compileTrialPolicy(policy: TrialPolicy | undefined | null): TrialPolicyRules {
  if (policy == null) return SINGLE_LAUNCH;
  const { targetCiPct, minSeconds, maxSeconds } = policy;
  for (const [name, v] of [['target_ci_pct', targetCiPct], ['min_seconds', minSeconds], ['max_seconds', maxSeconds]] as const) {
    if (!Number.isFinite(v) || v < 0) throw new TrialPolicyError(`trial policy: ${name} must be a number >= 0, got ${v}`);
  }
  const minTrials = Math.max(1, policy.minTrials);
  const maxTrials = policy.maxTrials > 0 ? policy.maxTrials : targetCiPct > 0 || minSeconds > 0 ? Math.max(minTrials, DEFAULT_MAX_TRIALS_WITH_TARGET) : minTrials;
  if (maxTrials < minTrials) throw new TrialPolicyError(`trial policy: max_trials (${maxTrials}) is below min_trials (${minTrials})`);
  if (maxSeconds > 0 && minSeconds > maxSeconds) throw new TrialPolicyError(`trial policy: min_seconds (${minSeconds}) is above max_seconds (${maxSeconds})`);
  return { minTrials, maxTrials, targetCiPct, minSeconds, maxSeconds, confidence: DEFAULT_CONFIDENCE };
}
