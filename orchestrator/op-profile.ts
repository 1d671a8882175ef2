// Op profiles as data (issue 10, per-operator series): the runner's per-instruction op_profile
// summed per operator, and the comparison of two profiles that a regression report uses to
// name the operators that got slower and to notice a program falling back from its delegates to
// portable kernels. Pure functions, no I/O.
//
//   const base = opProfileOf(JSON.parse(baselineResult.runnerJson));
//   const cand = opProfileOf(JSON.parse(candidateResult.runnerJson));
//   if (base && cand) for (const d of opDeltas(base, cand).slower) console.log(d.operator, d.ratio);

/** One operator's time in a profile (every instruction calling it, summed). */
export interface OperatorTime {
  /** The operator (aten::add.out) or, for a delegate, its backend id. */
  operator: string;
  kind: 'kernel' | 'delegate';
  backend: string | null;
  instructions: number;
  calls: number;
  totalNs: number;
  /** Time per execute of the method, ms. */
  msPerExecute: number;
  /** Share of the profiled execute time, 0..1. */
  share: number;
}

export interface OpProfile {
  /** How many executes the profile covers. */
  executes: number;
  totalMsPerExecute: number;
  /** Share of execute time inside delegates (the runner's delegate_fraction). */
  delegateFraction: number | null;
  /** Slowest first. */
  operators: OperatorTime[];
}

interface RawEntry { name?: unknown; kind?: unknown; backend?: unknown; calls?: unknown; total_ns?: unknown }

/**
 * The op profile of a runner document (runner-contract.md: op_profile, delegate_fraction), or
 * null when it has none. The document does not say how many executes were profiled (the agent's
 * profile launch runs its own count, not the timed run's iterations), so they are read from the
 * instructions: the most common `calls` (an instruction outside loops and branches runs once per
 * execute).
 */
export function opProfileOf(doc: unknown): OpProfile | null {
  if (doc === null || typeof doc !== 'object') return null;
  const d = doc as { op_profile?: unknown; delegate_fraction?: unknown };
  if (!Array.isArray(d.op_profile)) return null;
  const executes = mostCommonCalls(d.op_profile as RawEntry[]);
  const byName = new Map<string, OperatorTime>();
  let total = 0;
  for (const raw of d.op_profile as RawEntry[]) {
    const name = typeof raw.name === 'string' ? raw.name : '?';
    const kind = raw.kind === 'delegate' ? 'delegate' : 'kernel';
    const ns = typeof raw.total_ns === 'number' ? raw.total_ns : 0;
    const calls = typeof raw.calls === 'number' ? raw.calls : 0;
    const key = `${kind}\u0000${name}`;
    const op = byName.get(key) ?? { operator: name, kind, backend: typeof raw.backend === 'string' ? raw.backend : null, instructions: 0, calls: 0, totalNs: 0, msPerExecute: 0, share: 0 };
    op.instructions += 1;
    op.calls += calls;
    op.totalNs += ns;
    byName.set(key, op);
    total += ns;
  }
  const operators = [...byName.values()].map((o) => ({ ...o, msPerExecute: o.totalNs / executes / 1e6, share: total > 0 ? o.totalNs / total : 0 }));
  operators.sort((a, b) => b.totalNs - a.totalNs || a.operator.localeCompare(b.operator));
  const delegateNs = operators.filter((o) => o.kind === 'delegate').reduce((a, o) => a + o.totalNs, 0);
  const delegateFraction = typeof d.delegate_fraction === 'number' ? d.delegate_fraction : total > 0 ? delegateNs / total : null;
  return { executes, totalMsPerExecute: total / executes / 1e6, delegateFraction, operators };
}

function mostCommonCalls(entries: readonly RawEntry[]): number {
  const counts = new Map<number, number>();
  for (const e of entries) if (typeof e.calls === 'number' && e.calls > 0) counts.set(e.calls, (counts.get(e.calls) ?? 0) + 1);
  let best = 1;
  let seen = 0;
  // Ties go to the smaller count: loops only ever add calls.
  for (const [calls, n] of counts) if (n > seen || (n === seen && calls < best)) [best, seen] = [calls, n];
  return best;
}

export interface OpDelta {
  operator: string;
  kind: 'kernel' | 'delegate';
  backend: string | null;
  /** ms per execute; null when the operator is absent from that profile. */
  baselineMs: number | null;
  candidateMs: number | null;
  /** candidate - baseline (an absent side counts 0). */
  deltaMs: number;
  /** candidate / baseline; null when either is absent or zero. */
  ratio: number | null;
  change: 'slower' | 'faster' | 'same' | 'new' | 'gone';
}

export interface Fallback {
  /** True when the baseline ran work in delegates and the candidate moved some of it to kernels. */
  detected: boolean;
  /** Kernel operators in the candidate that the baseline did not run as kernels. */
  newKernelOperators: string[];
  /** Delegates of the baseline that the candidate no longer calls. */
  goneDelegates: string[];
  baselineDelegateFraction: number | null;
  candidateDelegateFraction: number | null;
}

export interface OpDeltaReport {
  /** Every operator of either profile, largest increase first. */
  deltas: OpDelta[];
  /** Operators slower by more than the thresholds, largest increase first. */
  slower: OpDelta[];
  fallback: Fallback;
}

export interface OpDeltaOptions {
  /** A change smaller than this, in percent of the baseline operator's time, is 'same'. Default 10. */
  minEffectPct?: number;
  /** A change smaller than this share of the baseline's total time per execute is 'same'
   * (tiny operators jitter by large ratios). Default 0.01. */
  minShareOfTotal?: number;
  /** A drop of the delegate share by more than this (absolute) counts as falling back. Default 0.05. */
  delegateDrop?: number;
}

/** Per-operator changes from baseline to candidate, and whether the program fell back from its delegates. */
export function opDeltas(baseline: OpProfile, candidate: OpProfile, options: OpDeltaOptions = {}): OpDeltaReport {
  const minEffect = (options.minEffectPct ?? 10) / 100;
  const minAbs = (options.minShareOfTotal ?? 0.01) * baseline.totalMsPerExecute;
  const key = (o: OperatorTime): string => `${o.kind}\u0000${o.operator}`;
  const base = new Map(baseline.operators.map((o) => [key(o), o]));
  const cand = new Map(candidate.operators.map((o) => [key(o), o]));
  const deltas: OpDelta[] = [];
  for (const k of new Set([...base.keys(), ...cand.keys()])) {
    const b = base.get(k);
    const c = cand.get(k);
    const any = (c ?? b)!;
    const baselineMs = b?.msPerExecute ?? null;
    const candidateMs = c?.msPerExecute ?? null;
    const deltaMs = (candidateMs ?? 0) - (baselineMs ?? 0);
    const ratio = baselineMs !== null && candidateMs !== null && baselineMs > 0 ? candidateMs / baselineMs : null;
    const change = b === undefined ? 'new' : c === undefined ? 'gone'
      : Math.abs(deltaMs) < minAbs || ratio === null || Math.abs(ratio - 1) < minEffect ? 'same' : deltaMs > 0 ? 'slower' : 'faster';
    deltas.push({ operator: any.operator, kind: any.kind, backend: any.backend, baselineMs, candidateMs, deltaMs, ratio, change });
  }
  deltas.sort((a, b) => b.deltaMs - a.deltaMs || a.operator.localeCompare(b.operator));
  const slower = deltas.filter((d) => d.change === 'slower' || (d.change === 'new' && d.deltaMs >= minAbs && d.deltaMs > 0));
  return { deltas, slower, fallback: fallbackOf(baseline, candidate, options.delegateDrop ?? 0.05) };
}

function fallbackOf(baseline: OpProfile, candidate: OpProfile, drop: number): Fallback {
  const names = (p: OpProfile, kind: 'kernel' | 'delegate'): Set<string> => new Set(p.operators.filter((o) => o.kind === kind).map((o) => o.operator));
  const baseDelegates = names(baseline, 'delegate');
  const baseKernels = names(baseline, 'kernel');
  const candDelegates = names(candidate, 'delegate');
  const newKernelOperators = [...names(candidate, 'kernel')].filter((n) => !baseKernels.has(n)).sort();
  const goneDelegates = [...baseDelegates].filter((n) => !candDelegates.has(n)).sort();
  const b = baseline.delegateFraction;
  const c = candidate.delegateFraction;
  const shareFell = b !== null && c !== null && b - c > drop;
  const detected = baseDelegates.size > 0 && (newKernelOperators.length > 0 || goneDelegates.length > 0 || shareFell);
  return { detected, newKernelOperators, goneDelegates, baselineDelegateFraction: b, candidateDelegateFraction: c };
}
