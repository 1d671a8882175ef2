#!/usr/bin/env node
// Framework overhead per instruction of the C++ runtime (bench/README.md).
//
//   node bench/overhead.mjs                      # 1000 chained adds, 5 launches
//   node bench/overhead.mjs --ops 2000 --rounds 7 --batches 21 --reps 200
//
// Writes a program of N chained aten::add.out on float32[1] with the
// TypeScript writer, builds `overhead-bench` (release flags), launches it
// --rounds times with the order of its timed modes rotated per launch, and
// prints the median over launches of each launch's median. The peer measured
// in the same process is the direct kernel call.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    ops: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '5' },
    batches: { type: 'string', default: '15' },
    reps: { type: 'string', default: '200' },
    json: { type: 'boolean', default: false },
  },
});
const ops = Number(opts.ops);
const rounds = Number(opts.rounds);

const { buildElementwiseProgram } = await tsImport('../program/index.ts', import.meta.url);
const chain = Array.from({ length: ops }, (_, i) => ({ op: 'add', self: i === 0 ? 'x' : `t${i - 1}`, other: 'one', out: `t${i}` }));
const pte = buildElementwiseProgram({
  inputs: [{ name: 'x', dtype: 'float32', shape: [1] }],
  constants: [{ name: 'one', dtype: 'float32', shape: [1], data: [1] }],
  ops: chain,
  outputs: [`t${ops - 1}`],
});
const dir = mkdtempSync(join(tmpdir(), 'etb-overhead-'));
const program = join(dir, 'chain.pte');
writeFileSync(program, pte);

const build = spawnSync(process.execPath, [join(root, 'native', 'build.mjs'), 'overhead-bench'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) process.exit(build.status ?? 1);
const binary = join(root, 'build', 'native', 'release', 'overhead_bench');

const runs = [];
for (let r = 0; r < rounds; r++) {
  const args = [program, '--json', '--batches', opts.batches, '--reps', opts.reps, '--order', String(r)];
  const run = spawnSync(binary, args, { encoding: 'utf8' });
  if (run.status !== 0) {
    process.stderr.write(run.stderr);
    rmSync(dir, { recursive: true, force: true });
    process.exit(run.status ?? 1);
  }
  runs.push(JSON.parse(run.stdout.trim().split('\n').at(-1)));
}
rmSync(dir, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const keys = [
  ['kernel_ns_per_instruction', 'kernel: direct portable::add_out (peer)'],
  ['entry_ns_per_instruction', 'kernel via generated KernelEntry::call'],
  ['execute_ns_per_instruction', 'Method::execute(), no tracer'],
  ['traced_ns_per_instruction', 'Method::execute(), tracer attached'],
  ['overhead_ns_per_instruction', 'framework overhead (execute - kernel)'],
  ['unpack_ns_per_instruction', '  of which generated unpacking (entry - kernel)'],
  ['tracer_ns_per_instruction', 'profiling cost (traced - execute)'],
  ['ticks_ns_per_call', '  one etb_platform_ticks() call (1 per instr.)'],
];
const summary = Object.fromEntries(keys.map(([k]) => [k, median(runs.map((r) => r[k]))]));
summary.overhead_to_kernel = median(runs.map((r) => r.overhead_to_kernel));
const spread = (k) => {
  const xs = runs.map((r) => r[k]);
  return `${Math.min(...xs).toFixed(2)}..${Math.max(...xs).toFixed(2)}`;
};

if (opts.json) {
  console.log(JSON.stringify({ instructions: runs[0].instructions, rounds, ...summary, runs }));
} else {
  console.log(`${runs[0].instructions} instructions (chained aten::add.out, float32[1]); median of ${rounds} launches, each the median of ${opts.batches} batches x ${opts.reps} executes`);
  console.log('');
  console.log(`${'what'.padEnd(48)} ${'ns/instr'.padStart(9)}  launches min..max`);
  for (const [k, label] of keys) console.log(`${label.padEnd(48)} ${summary[k].toFixed(2).padStart(9)}  ${spread(k)}`);
  console.log('');
  console.log(`framework overhead / kernel time: ${summary.overhead_to_kernel.toFixed(2)}x (launches ${spread('overhead_to_kernel')})`);
}
