#!/usr/bin/env node
// SGEMM GFLOP/s of the optimized kernels against this machine's FMA peak
// (docs/optimized-kernels.md).
//
//   node bench/sgemm.mjs                         # n = 256, 512, 1024; 1 and 2 threads
//   node bench/sgemm.mjs --sizes 256,1024 --runs 9 --threads 1 --json sgemm.json
//   node bench/sgemm.mjs --sizes 128x768x256,128x256x1024 --threads 1   # M x N x K: a model's linear layers
//   node bench/sgemm.mjs --conv --threads 1      # ResNet-18 / MobileNetV2 convolution layers instead
//   node bench/sgemm.mjs --isa avx2              # the AVX2+FMA kernels on an AVX-512 CPU (same zmm peak)
//
// Builds `sgemm-bench` (native/bench/sgemm_bench.cpp, release flags) and runs
// it once per thread count. In that process each round measures the FMA
// peak (an FMA-bound loop on the widest vectors the kernels use: zmm on an
// AVX-512 CPU, ymm on AVX2) and then the four GEMM modes in rotated order;
// every figure printed is a median over rounds, and each ratio is taken
// against the peak of its own round. `cpu` figures use the thread's CPU
// time (single thread only): on a shared, overloaded VM they leave out the
// time other processes held the core, which wall time cannot.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    sizes: { type: 'string', default: '256,512,1024' },
    runs: { type: 'string', default: '7' },
    threads: { type: 'string', default: '1,2' },
    json: { type: 'string' },
    conv: { type: 'boolean', default: false },
    isa: { type: 'string' },  // avx2 | avx512 | scalar: force a lesser instruction set (comparisons in one run)
  },
});
if (Number(opts.runs) < 5) throw new Error('--runs must be at least 5 (medians of at least 5 runs)');

const build = spawnSync(process.execPath, [join(root, 'native', 'build.mjs'), 'sgemm-bench'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) process.exit(build.status ?? 1);
const binary = join(root, 'build', 'native', 'release', 'sgemm_bench');
const isaArgs = opts.isa ? ['--isa', opts.isa] : [];

if (opts.conv) {
  // Convolution layers (native/bench/conv_layers_bench.cpp): median ms by CPU and wall time.
  const all = [];
  for (const threads of opts.threads.split(',').map(Number)) {
    const run = spawnSync(binary, ['--conv', '--runs', opts.runs, '--threads', String(threads), ...isaArgs], { encoding: 'utf8' });
    if (run.status !== 0) {
      process.stderr.write(run.stderr);
      process.exit(run.status ?? 1);
    }
    const r = JSON.parse(run.stdout.trim().split('\n').at(-1));
    all.push(r);
    console.log(`\nconvolution layers, ${threads} thread(s), medians of ${opts.runs} rounds (cpu: 1 thread only)`);
    console.log('layer                                   cpu ms  GFLOP/s |  wall ms  GFLOP/s');
    for (const l of r.layers) {
      console.log(`${l.name.padEnd(38)} ${l.cpu_ms.toFixed(3).padStart(7)} ${l.gflops_cpu.toFixed(1).padStart(8)} | ${l.wall_ms.toFixed(3).padStart(8)} ${l.gflops_wall.toFixed(1).padStart(8)}`);
    }
  }
  if (opts.json) writeFileSync(opts.json, JSON.stringify({ cpu: cpus()[0]?.model ?? null, conv: all }, null, 2) + '\n');
  process.exit(0);
}

const results = [];
for (const threads of opts.threads.split(',').map(Number)) {
  const run = spawnSync(binary, ['--sizes', opts.sizes, '--runs', opts.runs, '--threads', String(threads), ...isaArgs], { encoding: 'utf8' });
  if (run.status !== 0) {
    process.stderr.write(run.stderr);
    process.exit(run.status ?? 1);
  }
  results.push(JSON.parse(run.stdout.trim().split('\n').at(-1)));
}

const pct = (r) => `${(100 * r).toFixed(0)}%`.padStart(5);
const num = (v) => v.toFixed(1).padStart(6);
console.log(`SGEMM float32 on ${cpus()[0]?.model ?? 'unknown CPU'} (${results[0]?.isa}); medians of ${opts.runs} rounds`);
console.log('modes: mm = aten::mm.out packing A and B per call; weights = B packed at load; kernel = packed operands only;');
console.log('       cold = weights with B coming from L3 or memory (copies rotated), as inside a whole model');
for (const r of results) {
  console.log(`\nthreads ${r.threads}: GFLOP/s and ratio to the FMA peak of ${r.threads} core(s) in the same round`);
  console.log('         M x N x K | peak cpu  wall |       mm cpu       wall |  weights cpu       wall |   kernel cpu       wall |     cold cpu       wall');
  for (const s of r.sizes) {
    const cell = (m) => `${num(s[m].cpu)} ${pct(s[m].ratio_cpu)} ${num(s[m].wall)} ${pct(s[m].ratio_wall)}`;
    const shape = `${s.m ?? s.n}x${s.n}x${s.k ?? s.n}`;
    console.log(`${shape.padStart(18)} | ${num(s.peak.cpu)} ${num(s.peak.wall)} | ${cell('mm')} | ${cell('weights')} | ${cell('kernel')} | ${cell('cold')}`);
  }
}
if (results.some((r) => r.threads > 1)) console.log('\n(cpu columns are 0 with several threads: only wall time is meaningful there)');
if (opts.json) writeFileSync(opts.json, JSON.stringify({ cpu: cpus()[0]?.model ?? null, results }, null, 2) + '\n');
