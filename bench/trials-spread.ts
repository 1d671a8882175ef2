// How much the reported median moves from run to run: one launch per job (as before trials)
// versus several launches summarised by the median of trial medians, interleaved so that both
// see the same machine. Prints the spread ((max - min) / median of the reported medians, %).
//
//   node --import=tsx bench/trials-spread.ts [PROGRAM] [--repeats R] [--trials T] [--iterations N]
//
// PROGRAM defaults to the zoo MLP under .etbench/zoo (about 1 ms per inference).

import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { HostDriver } from '../agent/index.js';
import { SINGLE_LAUNCH, median, runTrials, type TrialPolicyRules } from '../agent/trials/index.js';
import type { RuntimeConfig } from '../proto/index.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { repeats: { type: 'string' }, trials: { type: 'string' }, iterations: { type: 'string' } } });
const zoo = path.resolve('.etbench', 'zoo');
const program = positionals[0] ?? path.join(zoo, readdirSync(zoo).find((d) => readdirSync(path.join(zoo, d)).includes('mlp.bpte')) ?? '', 'mlp.bpte');
const repeats = Number(values.repeats ?? 8);
const trials = Number(values.trials ?? 5);
const config: RuntimeConfig = { kernels: 'portable', backends: [], threads: 1, warmup: 3, hasWarmup: true, iterations: Number(values.iterations ?? 30), minSeconds: 0, inputs: '' };

async function reported(driver: HostDriver, rules: TrialPolicyRules): Promise<number> {
  const [device] = await driver.discover();
  const { outcome, trials: records } = await runTrials({
    driver, device: device!, rules, gate: null, signal: new AbortController().signal,
    job: { programPath: program, method: null, config, timeoutMs: 120_000, memoryLimitBytes: 0, rtol: null, atol: null, runtimePath: null },
  });
  if (records.length === 0) throw new Error(`run failed: ${outcome.problem}`);
  return median(records.map((r) => r.median_ms));
}

const spread = (xs: number[]): number => ((Math.max(...xs) - Math.min(...xs)) / median(xs)) * 100;
const modes = [
  { name: 'one launch, unpinned', driver: new HostDriver({ affinity: 'off' }), rules: SINGLE_LAUNCH, medians: [] as number[] },
  { name: `${trials} trials, unpinned`, driver: new HostDriver({ affinity: 'off' }), rules: { ...SINGLE_LAUNCH, minTrials: trials, maxTrials: trials }, medians: [] as number[] },
  { name: `${trials} trials, pinned`, driver: new HostDriver({ affinity: 'auto' }), rules: { ...SINGLE_LAUNCH, minTrials: trials, maxTrials: trials }, medians: [] as number[] },
];
for (let r = 0; r < repeats; r++) for (const m of modes) m.medians.push(await reported(m.driver, m.rules));
console.log(`${path.basename(program)}, ${config.iterations} iterations per launch, ${repeats} repeats (interleaved)`);
for (const m of modes) console.log(`${m.name.padEnd(24)} median ${median(m.medians).toFixed(4)} ms  spread ${spread(m.medians).toFixed(2)}%`);
