// Statistics and verdicts for benchmark results: pure functions, no I/O. See docs/measurement.md.

export { median, trimmedMean, mad, robustCvPct } from './robust.js';
export { bootstrapMedianCI, bootstrapRatioCI, type BootstrapOptions } from './bootstrap.js';
export { mannWhitneyU } from './mann-whitney.js';
export { benjaminiHochberg } from './fdr.js';
export { changePoints, type ChangePointOptions } from './change-points.js';
export { compareTrials, nightVerdicts, DEFAULTS as VERDICT_DEFAULTS, type Verdict, type VerdictKind, type CompareOptions, type NightOptions } from './verdict.js';
export { seededRandom } from './rng.js';
