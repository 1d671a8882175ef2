// One job as several process launches (trials): before each, the conditions gate; each launch
// runs with its own warmup and is summarised by its median; after each, the stopping rule
// decides whether the median of trial medians is known well enough. A failed launch ends the
// job with that launch's failure (the trials before it are kept in its record).

import { ResultStatus, type Device } from '../../proto/index.js';
import type { DeviceDriver, DriverJob, DriverOutcome } from '../drivers/driver.js';
import { passGate, type GateThresholds } from './gate.js';
import { mergeTrials, parseJsonObject, type TrialRecord } from './merge.js';
import type { TrialPolicyRules } from './policy.js';
import { median, medianInterval, stopReason, type StopReason } from './stopping.js';

export interface RunTrialsOptions {
  driver: DeviceDriver;
  device: Device;
  job: DriverJob;
  rules: TrialPolicyRules;
  /** The thresholds of the device's kind; null: conditions are read and recorded, never waited for. */
  gate: GateThresholds | null;
  signal: AbortSignal;
  /** Called before each trial (progress). */
  onTrial?: (index: number, rules: TrialPolicyRules) => void;
}

export interface TrialsSummary {
  trials: number;
  stop: StopReason | 'failed' | 'cancelled';
  median_ms: number | null;
  /** The order-statistic interval of the median when there were enough trials for one. */
  ci_ms: [number, number] | null;
  ci_half_width_pct: number | null;
}

export interface TrialsRun {
  outcome: DriverOutcome;
  trials: TrialRecord[];
  summary: TrialsSummary;
}

const NO_GATE: GateThresholds = { maxTemperatureC: null, maxLoad: null, minBatteryPct: null, requireCharging: false, timeoutMs: 0, pollMs: 1000 };

export async function runTrials(o: RunTrialsOptions): Promise<TrialsRun> {
  const started = performance.now();
  const outcomes: DriverOutcome[] = [];
  const trials: TrialRecord[] = [];
  const elapsedMs = (): number => performance.now() - started;
  let lastTrialMs = 0;
  let stop: TrialsSummary['stop'] | null = null;
  let failed: DriverOutcome | null = null;
  for (let index = 0; stop === null; index++) {
    o.onTrial?.(index, o.rules);
    const remainingMs = o.job.timeoutMs - elapsedMs();
    // The gate may use at most half of what is left of the job's time, so a trial still fits.
    const gate = o.gate ?? NO_GATE;
    const passed = await passGate(o.device.kind, () => o.driver.conditions(o.device), { ...gate, timeoutMs: Math.min(gate.timeoutMs, Math.max(0, remainingMs / 2)) }, { signal: o.signal });
    // An abort (cancel, the agent's backstop) is left to the driver, which answers CANCELLED.
    const trialStarted = performance.now();
    const outcome = await o.driver.run(o.device, { ...o.job, timeoutMs: Math.max(1, Math.round(o.job.timeoutMs - elapsedMs())) }, o.signal);
    lastTrialMs = performance.now() - trialStarted;
    // What the gate read, what the driver adds (affinity, its own last reading) and the gate's record.
    const conditions = { ...(passed.conditions ?? {}), ...(parseJsonObject(outcome.conditionsJson) ?? {}), gate: passed.gate };
    if (outcome.status !== ResultStatus.RESULT_STATUS_OK || outcome.samplesMs.length === 0) {
      // A trial gets what is left of the job's time: say which bound that was, not the remainder.
      const problem = outcome.status === ResultStatus.RESULT_STATUS_TIMED_OUT
        ? `the job's time bound of ${o.job.timeoutMs / 1000} s ran out: ${outcome.problem}` : outcome.problem;
      failed = { ...outcome, problem, conditionsJson: JSON.stringify(conditions) };
      stop = o.signal.aborted ? 'cancelled' : 'failed';
      break;
    }
    trials.push({
      index, samples_ms: outcome.samplesMs, median_ms: median(outcome.samplesMs), batch: outcome.batch || 1, conditions,
      waited_ms: passed.gate.waited_ms, duration_ms: Math.round(lastTrialMs),
    });
    outcomes.push(outcome);
    stop = stopReason({
      medians: trials.map((t) => t.median_ms), elapsedS: elapsedMs() / 1000, lastTrialS: lastTrialMs / 1000,
      remainingS: (o.job.timeoutMs - elapsedMs()) / 1000,
    }, o.rules);
  }
  const medians = trials.map((t) => t.median_ms);
  const ci = medianInterval(medians, o.rules.confidence);
  const summary: TrialsSummary = {
    trials: trials.length, stop: stop!, median_ms: medians.length === 0 ? null : median(medians),
    ci_ms: ci === null ? null : [ci.lo, ci.hi], ci_half_width_pct: ci === null ? null : ci.halfWidthPct,
  };
  if (failed !== null) {
    const problem = trials.length === 0 ? failed.problem : `trial ${trials.length + 1}: ${failed.problem}`;
    return { outcome: { ...failed, problem, trialsJson: trials.length === 0 ? failed.trialsJson : JSON.stringify(trials), durationMs: elapsedMs() }, trials, summary };
  }
  return { outcome: { ...mergeTrials(outcomes, trials), durationMs: elapsedMs() }, trials, summary };
}
