// A small stand-in for the stats branch's verdict library (orchestrator/verdicts/index.ts,
// contract 2 of issue 10), with the same signatures, so that nightly runs work before that
// library is merged. verdicts.ts picks which one the nightly code uses; when the real library
// is in main, verdicts.ts re-exports it and this file is deleted.

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Standard normal upper tail, by the Abramowitz-Stegun erfc approximation (7 digits). */
function upperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** Two-sided Mann-Whitney U with the normal approximation (tie-corrected, continuity). */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): { u: number; p: number } {
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  let rankA = 0;
  let ties = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j += 1;
    const rank = (i + j + 2) / 2;
    const t = j - i + 1;
    ties += t ** 3 - t;
    for (let k = i; k <= j; k += 1) if (all[k]!.g === 0) rankA += rank;
    i = j + 1;
  }
  const n1 = a.length;
  const n2 = b.length;
  const u = rankA - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  if (n1 === 0 || n2 === 0 || variance <= 0) return { u, p: 1 };
  const z = (Math.abs(u - (n1 * n2) / 2) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * upperTail(Math.max(0, z))) };
}

export function benjaminiHochberg(pValues: readonly number[], q: number): boolean[] {
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  let cutoff = -1;
  order.forEach(({ p }, k) => {
    if (p <= ((k + 1) / order.length) * q) cutoff = k;
  });
  const out = pValues.map(() => false);
  for (let k = 0; k <= cutoff; k += 1) out[order[k]!.i] = true;
  return out;
}

/** Seeded generator (mulberry32) so resampling results repeat. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function resample(xs: readonly number[], next: () => number): number[] {
  return xs.map(() => xs[Math.floor(next() * xs.length)]!);
}

export function bootstrapRatioCI(baseline: readonly number[], candidate: readonly number[], opts: { confidence?: number; resamples?: number; seed?: number } = {}): { ratio: number; lo: number; hi: number } {
  const next = rng(opts.seed ?? 1);
  const ratios: number[] = [];
  for (let i = 0; i < (opts.resamples ?? 2000); i += 1) ratios.push(median(resample(candidate, next)) / median(resample(baseline, next)));
  ratios.sort((x, y) => x - y);
  const tail = (1 - (opts.confidence ?? 0.95)) / 2;
  const at = (f: number): number => ratios[Math.min(ratios.length - 1, Math.max(0, Math.floor(f * ratios.length)))]!;
  return { ratio: median(candidate) / median(baseline), lo: at(tail), hi: at(1 - tail) };
}

export type VerdictKind = 'regression' | 'improvement' | 'no-change' | 'unstable' | 'insufficient-data';
export interface Verdict { kind: VerdictKind; ratio: number; ci: [number, number]; pValue: number; baselineTrials: number; candidateTrials: number; noisePct: number }

/** Spread of the baseline: median absolute deviation over the median, in percent. */
function noisePct(xs: readonly number[]): number {
  const m = median(xs);
  return (median(xs.map((x) => Math.abs(x - m))) / m) * 100;
}

export function compareTrials(baseline: readonly number[], candidate: readonly number[], opts: { minEffectPct?: number; alpha?: number; maxNoisePct?: number } = {}): Verdict {
  const minEffect = (opts.minEffectPct ?? 3) / 100;
  const noise = baseline.length > 0 ? noisePct(baseline) : NaN;
  const base = { baselineTrials: baseline.length, candidateTrials: candidate.length, noisePct: noise };
  if (baseline.length < 3 || candidate.length < 2) {
    const ratio = baseline.length > 0 && candidate.length > 0 ? median(candidate) / median(baseline) : NaN;
    return { kind: 'insufficient-data', ratio, ci: [NaN, NaN], pValue: 1, ...base };
  }
  const { ratio, lo, hi } = bootstrapRatioCI(baseline, candidate);
  const { p } = mannWhitneyU(baseline, candidate);
  let kind: VerdictKind = 'no-change';
  if (noise > (opts.maxNoisePct ?? 10)) kind = 'unstable';
  else if (p <= (opts.alpha ?? 0.05) && ratio > 1 + minEffect && lo > 1) kind = 'regression';
  else if (p <= (opts.alpha ?? 0.05) && ratio < 1 - minEffect && hi < 1) kind = 'improvement';
  return { kind, ratio, ci: [lo, hi], pValue: p, ...base };
}

export function nightVerdicts(series: { key: string; baseline: number[]; candidate: number[] }[], opts: { q?: number; minEffectPct?: number } = {}): { results: { key: string; verdict: Verdict; discovery: boolean }[]; expectedFalseAlarms: number } {
  const q = opts.q ?? 0.05;
  const verdicts = series.map((s) => compareTrials(s.baseline, s.candidate, { minEffectPct: opts.minEffectPct, alpha: 1, maxNoisePct: Infinity }));
  const discoveries = benjaminiHochberg(verdicts.map((v) => v.pValue), q);
  const results = series.map((s, i) => {
    const v = verdicts[i]!;
    const discovery = discoveries[i]! && (v.kind === 'regression' || v.kind === 'improvement');
    // alpha 1 above lets BH decide significance; an effect without a discovery is no change.
    const verdict: Verdict = (v.kind === 'regression' || v.kind === 'improvement') && !discovery ? { ...v, kind: 'no-change' } : v;
    return { key: s.key, verdict, discovery };
  });
  return { results, expectedFalseAlarms: q * results.filter((r) => r.discovery).length };
}

/** Change points by binary segmentation on the mean, each split kept when a permutation test
 * of its mean difference passes alpha. Returns the indices where a new segment starts. */
export function changePoints(series: readonly number[], opts: { minSize?: number; alpha?: number; permutations?: number; seed?: number } = {}): number[] {
  const minSize = opts.minSize ?? 3;
  const next = rng(opts.seed ?? 7);
  const best = (xs: readonly number[]): { at: number; stat: number } => {
    let out = { at: -1, stat: 0 };
    for (let k = minSize; k <= xs.length - minSize; k += 1) {
      const left = xs.slice(0, k);
      const right = xs.slice(k);
      const mean = (v: readonly number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
      const stat = Math.abs(mean(left) - mean(right)) * Math.sqrt((k * (xs.length - k)) / xs.length);
      if (stat > out.stat) out = { at: k, stat };
    }
    return out;
  };
  const found: number[] = [];
  const split = (from: number, xs: readonly number[]): void => {
    if (xs.length < 2 * minSize) return;
    const { at, stat } = best(xs);
    if (at < 0) return;
    const permutations = opts.permutations ?? 199;
    let atLeast = 0;
    for (let i = 0; i < permutations; i += 1) {
      const shuffled = [...xs];
      for (let j = shuffled.length - 1; j > 0; j -= 1) {
        const r = Math.floor(next() * (j + 1));
        [shuffled[j], shuffled[r]] = [shuffled[r]!, shuffled[j]!];
      }
      if (best(shuffled).stat >= stat) atLeast += 1;
    }
    if ((atLeast + 1) / (permutations + 1) > (opts.alpha ?? 0.05)) return;
    found.push(from + at);
    split(from, xs.slice(0, at));
    split(from + at, xs.slice(at));
  };
  split(0, series);
  return found.sort((a, b) => a - b);
}
