// Validation of regression detection on real etrun processes (issue 10; docs/measurement.md).
//
//   npm run bench:regressions -- --json FILE [--smoke] [--reps R] [--trials N] [--pin CPU]
//
// One fixed program (bench/regressions-program.ts, about 1 ms per execute). A trial is one etrun
// launch (warmup inside); its median sample is the trial's value. Each repetition measures a
// baseline window of N trials and four candidate windows of N trials with 0, 2, 5 and 10 %
// injected slowdown (etrun --inject-slowdown, validation only), interleaved: round i launches
// trial i of every arm in a shuffled order, so a burst of load lands on all arms alike. Each
// candidate is judged against its repetition's baseline with compareTrials (the library's
// defaults); detection[L] is the share of repetitions whose L % candidate is a 'regression',
// false_positive_rate the share whose 0 % candidate is one. median_spread_pct is the run-to-run
// spread of the reported median (median of trial medians) over unchanged windows: the robust CV
// (1.4826 MAD / median) of those window medians. Other rules are scored on the same trials
// (`rules`) so the verdict rule can be chosen from data; every trial median is in `raw`.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { etrunBuildPath } from '../native/runner/index.js';
import { compareTrials, median, robustCvPct, seededRandom, VERDICT_DEFAULTS } from '../orchestrator/verdicts/index.js';
import { regressionProgram } from './regressions-program.js';

const LEVELS = [0, 2, 5, 10] as const;

const { values } = parseArgs({
  options: {
    json: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    reps: { type: 'string' },
    trials: { type: 'string' },
    iterations: { type: 'string' },
    warmup: { type: 'string' },
    pin: { type: 'string' },
    'max-minutes': { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
});

const smoke = values.smoke === true;
const int = (v: string | undefined, fallback: number, name: string, min: number): number => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    console.error(`bench:regressions: --${name} must be an integer >= ${min}, got '${v}'`);
    process.exit(2);
  }
  return n;
};
const params = {
  smoke,
  reps: int(values.reps, smoke ? 4 : 60, 'reps', 1),
  // 20 a side: the smallest N that met the goal on a quiet machine (docs/measurement.md).
  trials: int(values.trials, smoke ? 6 : 20, 'trials', 3),
  iterations: int(values.iterations, smoke ? 80 : 100, 'iterations', 5),
  warmup: int(values.warmup, 10, 'warmup', 0),
  pin: values.pin === undefined ? null : int(values.pin, 0, 'pin', 0),
  maxMinutes: int(values['max-minutes'], smoke ? 2 : 30, 'max-minutes', 1),
  seed: int(values.seed, 1, 'seed', 0),
  levels: [...LEVELS],
  verdictDefaults: VERDICT_DEFAULTS,
};

const etrun = etrunBuildPath('release');
if (!existsSync(etrun)) {
  console.error(`bench:regressions: ${etrun} does not exist. Run \`npm run build\``);
  process.exit(2);
}
const dir = mkdtempSync(path.join(tmpdir(), 'etbench-regressions-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const program = path.join(dir, 'chain.pte');
writeFileSync(program, regressionProgram());

/** One trial: one etrun launch; its median sample in ms (the trial's value) and its 25th percentile. */
function trial(slowdownPct: number): { median: number; p25: number } {
  const args = [program, '--warmup', String(params.warmup), '--iterations', String(params.iterations), '--inject-slowdown', String(slowdownPct)];
  const [cmd, argv] = params.pin === null ? [etrun, args] : ['taskset', ['-c', String(params.pin), etrun, ...args]];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`etrun exited ${r.status ?? r.signal}: ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as { config: { inject_slowdown_pct: number }; latency_ms: { p50: number; samples: number[] } };
  if (doc.config.inject_slowdown_pct !== slowdownPct) throw new Error(`etrun recorded inject_slowdown_pct ${doc.config.inject_slowdown_pct}, asked ${slowdownPct}`);
  const sorted = [...doc.latency_ms.samples].sort((a, b) => a - b);
  return { median: median(sorted), p25: sorted[Math.floor((sorted.length - 1) / 4)]! };
}

const random = seededRandom(params.seed);
const started = Date.now();
const deadline = started + params.maxMinutes * 60_000 * 0.95;
const load: number[] = [];
type Rep = { baseline: number[]; candidates: Record<string, number[]> };
const raw: Rep[] = [];
const rawP25: Rep[] = []; // the same trials summarized by their 25th percentile instead
const verdicts: Record<string, string>[] = []; // per repetition, the default rule's verdict per arm
outer: for (let rep = 0; rep < params.reps; rep++) {
  const arms = [-1, ...LEVELS]; // -1: the baseline window
  const values = new Map<number, number[]>(arms.map((a) => [a, []]));
  const lows = new Map<number, number[]>(arms.map((a) => [a, []]));
  for (let i = 0; i < params.trials; i++) {
    const order = [...arms];
    for (let k = order.length - 1; k > 0; k--) {
      const j = Math.floor(random() * (k + 1));
      [order[k], order[j]] = [order[j]!, order[k]!];
    }
    for (const arm of order) {
      const r = trial(Math.max(arm, 0));
      values.get(arm)!.push(r.median);
      lows.get(arm)!.push(r.p25);
    }
    // A repetition cut short would have unequal windows; stop between repetitions instead, but
    // never overrun the budget by more than one round.
    if (Date.now() > deadline + 60_000) break outer;
  }
  load.push(loadavg()[0]!);
  verdicts.push(Object.fromEntries(LEVELS.map((l) => [String(l), compareTrials(values.get(-1)!, values.get(l)!).kind])));
  raw.push({ baseline: values.get(-1)!, candidates: Object.fromEntries(LEVELS.map((l) => [String(l), values.get(l)!])) });
  rawP25.push({ baseline: lows.get(-1)!, candidates: Object.fromEntries(LEVELS.map((l) => [String(l), lows.get(l)!])) });
  process.stderr.write(`rep ${rep + 1}/${params.reps}: baseline ${median(values.get(-1)!).toFixed(4)} ms, noise ${robustCvPct(values.get(-1)!).toFixed(2)} %, ` +
    `ratios ${LEVELS.map((l) => (median(values.get(l)!) / median(values.get(-1)!)).toFixed(3)).join(' ')}\n`);
  if (Date.now() > deadline) break;
}
if (raw.length === 0) throw new Error('no repetition finished within the time budget');

type Rule = { name: string; minEffectPct: number; alpha: number; maxNoisePct: number };
const rules: Rule[] = [];
for (const alpha of [0.05, 0.01]) for (const minEffectPct of [0, 1, 2]) for (const maxNoisePct of [5, 1000]) rules.push({ name: `alpha=${alpha} minEffect=${minEffectPct}% maxNoise=${maxNoisePct}%`, alpha, minEffectPct, maxNoisePct });

/**
 * The per-comparison false-positive rate estimated more finely than one null comparison per
 * repetition allows: each repetition's 2N unchanged trials (baseline and 0 % arm, interleaved)
 * are split at random into two windows of N, many times, and each split is judged.
 */
function resampledFalsePositives(reps: readonly Rep[], rule: Partial<Rule>, splits: number): number {
  const rnd = seededRandom(7);
  let flagged = 0;
  let total = 0;
  for (const r of reps) {
    const pool = [...r.baseline, ...r.candidates['0']!];
    for (let s = 0; s < splits; s++) {
      for (let k = pool.length - 1; k > 0; k--) {
        const j = Math.floor(rnd() * (k + 1));
        [pool[k], pool[j]] = [pool[j]!, pool[k]!];
      }
      const half = pool.length >> 1;
      if (compareTrials(pool.slice(0, half), pool.slice(half), rule).kind === 'regression') flagged++;
      total++;
    }
  }
  return flagged / total;
}

function score(rule: Partial<Rule>, reps: readonly Rep[] = raw, splits = smoke ? 10 : 50): { detection: Record<string, number>; false_positive_rate: number; false_positive_rate_resampled: number; false_improvement_rate: number; unstable_rate: number } {
  const rate = (level: number, kind: string): number => reps.filter((r) => compareTrials(r.baseline, r.candidates[String(level)]!, rule).kind === kind).length / reps.length;
  return {
    detection: { 2: rate(2, 'regression'), 5: rate(5, 'regression'), 10: rate(10, 'regression') },
    false_positive_rate: rate(0, 'regression'),
    false_positive_rate_resampled: resampledFalsePositives(reps, rule, splits),
    false_improvement_rate: rate(0, 'improvement'),
    unstable_rate: rate(0, 'unstable'),
  };
}

const unchangedWindows = raw.flatMap((r) => [median(r.baseline), median(r.candidates['0']!)]);
const headline = score({});
const measuredRatio = Object.fromEntries(LEVELS.map((l) => [String(l), median(raw.map((r) => median(r.candidates[String(l)]!) / median(r.baseline)))]));
const out = {
  ...headline,
  median_spread_pct: robustCvPct(unchangedWindows),
  trial_spread_pct: median(raw.map((r) => robustCvPct(r.baseline))),
  measured_ratio: measuredRatio,
  repetitions: raw.length,
  minutes: (Date.now() - started) / 60_000,
  parameters: params,
  machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? '', load_average_1m: { min: Math.min(...load), median: median(load), max: Math.max(...load) } },
  verdicts,
  rules: rules.map((r) => ({ ...r, ...score(r, raw, 10) })),
  // The library's default rule on each trial's 25th percentile instead of its median.
  trial_p25: { ...score({}, rawP25), median_spread_pct: robustCvPct(rawP25.flatMap((r) => [median(r.baseline), median(r.candidates['0']!)])) },
  raw,
  raw_p25: rawP25,
};
const text = JSON.stringify(out, null, 2);
if (values.json !== undefined) writeFileSync(values.json, text + '\n');
console.log(JSON.stringify({ detection: out.detection, false_positive_rate: out.false_positive_rate, false_positive_rate_resampled: out.false_positive_rate_resampled, median_spread_pct: out.median_spread_pct, trial_spread_pct: out.trial_spread_pct, repetitions: out.repetitions, minutes: out.minutes }, null, 2));
