// Bisecting runtime builds: the candidate builds are the uploaded runtime builds that runs named
// between a good and a bad run (in the order they first appeared), and a binary search over
// them measures each probed build on the same device, program and config, judging it against
// the good build with the verdict library. Each probe is measured interleaved with the good build
// (good, probe, good, probe, ... one launch each), so a change in the machine's load during the
// search moves both sides alike. The answer is the first slow build.

import type { Run, RuntimeBuild } from '../../proto/index.js';
import type { Verdict } from './verdicts.js';

export interface BisectStep {
  index: number;
  build: RuntimeBuild;
  trials: number[];
  /** The good build's trials, measured interleaved with this probe's. */
  goodTrials: number[];
  verdict: Verdict;
  slow: boolean;
}

export interface BisectOutcome {
  /** The last build measured fast and the first measured slow (adjacent candidates); null when
   * the search could not start (problem says why). */
  lastGood: RuntimeBuild | null;
  firstSlow: RuntimeBuild | null;
  steps: BisectStep[];
  problem: string | null;
}

/** Measures the good build and a candidate, interleaved (trial medians, ms); throws when a build
 * does not run the program. */
export type Measure = (good: RuntimeBuild, candidate: RuntimeBuild) => Promise<{ good: number[]; candidate: number[] }>;
export type Judge = (good: readonly number[], candidate: readonly number[]) => Verdict;

export async function bisectBuilds(candidates: readonly RuntimeBuild[], measure: Measure, judge: Judge): Promise<BisectOutcome> {
  const steps: BisectStep[] = [];
  if (candidates.length < 2) return { lastGood: null, firstSlow: null, steps, problem: 'fewer than two candidate builds: nothing to bisect' };
  const probe = async (index: number): Promise<boolean> => {
    const { good, candidate } = await measure(candidates[0]!, candidates[index]!);
    const verdict = judge(good, candidate);
    const slow = verdict.kind === 'regression';
    steps.push({ index, build: candidates[index]!, trials: candidate, goodTrials: good, verdict, slow });
    return slow;
  };
  let lo = 0;
  let hi = candidates.length - 1;
  if (!(await probe(hi))) {
    const v = steps.at(-1)!.verdict;
    return { lastGood: null, firstSlow: null, steps, problem: `the bad run's build is not slower than the good run's here (${v.kind}, ratio ${v.ratio.toFixed(3)}): nothing to bisect` };
  }
  // Invariant: candidates[lo] is fast, candidates[hi] is slow.
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (await probe(mid)) hi = mid;
    else lo = mid;
  }
  return { lastGood: candidates[lo]!, firstSlow: candidates[hi]!, steps, problem: null };
}

/** The uploaded builds runs named from `good` to `bad`, in order of first appearance, limited to
 * the good build's ABI and cut to start at the good build and end at the bad one. */
export function candidatesBetween(runs: readonly Run[], goodBuild: RuntimeBuild, badBuild: RuntimeBuild): RuntimeBuild[] {
  const ordered = [...runs].sort((a, b) => Number(a.createdMs) - Number(b.createdMs));
  const seen = new Map<string, RuntimeBuild>();
  for (const run of ordered) {
    for (const job of run.jobs) {
      const b = job.runtime;
      if (b !== undefined && b.sha256 !== '' && b.abi === goodBuild.abi && !seen.has(b.sha256)) seen.set(b.sha256, b);
    }
  }
  const list = [...seen.values()];
  const from = list.findIndex((b) => b.sha256 === goodBuild.sha256);
  const to = list.findIndex((b) => b.sha256 === badBuild.sha256);
  if (from < 0 || to < 0 || to <= from) return [goodBuild, badBuild];
  return list.slice(from, to + 1);
}
