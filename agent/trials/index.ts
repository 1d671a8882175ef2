// agent/trials/ — a job as several process launches (trials) with a conditions gate before each
// and an adaptive stopping rule after each (docs/trials.md).
//
//   const rules = compileTrialPolicy(offer.trialPolicy);          // absent: one launch
//   const gates = parseGateSpecs(['phone:temp=38']);              // DEFAULT_GATES otherwise
//   const { outcome, trials, summary } = await runTrials({
//     driver, device, job, rules, gate: gates[device.kind] ?? null, signal,
//   });
//   // outcome.trialsJson: [{ index, samples_ms, median_ms, batch, conditions, waited_ms }, ...]

export { compileTrialPolicy, SINGLE_LAUNCH, TrialPolicyError, DEFAULT_MAX_TRIALS_WITH_TARGET, type TrialPolicyRules } from './policy.js';
export { median, medianInterval, stopReason, type MedianInterval, type StopReason, type StopState } from './stopping.js';
export { DEFAULT_GATES, GateSpecError, gateBlockers, parseGateSpecs, passGate, type GateOutcome, type GateRecord, type GateTable, type GateThresholds } from './gate.js';
export { mergeTrials, trialLatency, type TrialRecord } from './merge.js';
export { runTrials, type RunTrialsOptions, type TrialsRun, type TrialsSummary } from './run-trials.js';
