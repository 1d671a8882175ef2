// `etbench run --trials MIN..MAX --target-ci PCT --trial-seconds MIN..MAX`: the run's trial
// policy (docs/trials.md), compiled here and checked the way the agent will compile it.

import { TrialPolicyError, compileTrialPolicy } from '../../agent/trials/index.js';
import type { TrialPolicy } from '../../proto/index.js';
import { UsageError } from '../errors.js';

export interface RawTrialOptions {
  trials?: string | number;
  'target-ci'?: string | number;
  'trial-seconds'?: string | number;
}

/** `N` or `MIN..MAX` (MAX may be left out: `MIN..`) as [min, max|null]. */
function range(flag: string, value: string | number, integer: boolean): [number, number | null] {
  const text = String(value).trim();
  const m = /^(\d+(?:\.\d+)?)(\.\.(\d+(?:\.\d+)?)?)?$/.exec(text);
  const parse = (s: string): number => {
    const n = Number(s);
    if (s === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isSafeInteger(n))) {
      throw new UsageError(`--${flag} must be ${integer ? 'N or MIN..MAX (integers >= 1)' : 'S or MIN..MAX (seconds >= 0)'}, got '${text}'`);
    }
    return n;
  };
  if (m === null) return [parse(''), null];
  const lo = parse(m[1]!);
  if (m[2] === undefined) return [lo, lo];
  return [lo, m[3] === undefined ? null : parse(m[3])];
}

/**
 * The trial policy these flags ask for; null when none is given (one launch per job).
 * @throws UsageError naming the flag.
 */
export function compileTrialOptions(raw: RawTrialOptions): TrialPolicy | null {
  if (raw.trials === undefined && raw['target-ci'] === undefined && raw['trial-seconds'] === undefined) return null;
  const [minTrials, maxTrials] = raw.trials === undefined ? [1, null] : range('trials', raw.trials, true);
  if (minTrials < 1) throw new UsageError(`--trials must be at least 1, got '${String(raw.trials)}'`);
  const target = raw['target-ci'] === undefined ? 0 : Number(String(raw['target-ci']).replace(/%$/, ''));
  if (raw['target-ci'] !== undefined && (!Number.isFinite(target) || target <= 0)) throw new UsageError(`--target-ci must be a percentage > 0 (e.g. 1 for +-1%), got '${String(raw['target-ci'])}'`);
  const [minSeconds, maxSeconds] = raw['trial-seconds'] === undefined ? [0, null] : range('trial-seconds', raw['trial-seconds'], false);
  const policy: TrialPolicy = { minTrials, maxTrials: maxTrials ?? 0, targetCiPct: target, minSeconds, maxSeconds: maxSeconds ?? 0 };
  try {
    compileTrialPolicy(policy);
  } catch (e) {
    if (e instanceof TrialPolicyError) throw new UsageError(`--trials/--target-ci/--trial-seconds: ${e.message}`);
    throw e;
  }
  return policy;
}
