#!/usr/bin/env node
// Optimized vs portable kernels on single layers of the zoo's models
// (docs/optimized-kernels.md): ResNet-18 and MobileNetV2 convolutions, a
// classifier addmm, a transformer feed-forward linear and attention bmm.
//
//   node bench/kernels.mjs                    # 1 and 2 threads, 5 samples
//   node bench/kernels.mjs --samples 9 --threads 1 --json kernels.json
//
// Each layer is a one-instruction program built like an operator-suite case
// (constant weights, float32). Per sample, in rotated order, it times one
// execute of the instruction (the runtime's own per-instruction profile,
// kernel time only) on portable (1 thread: portable kernels are
// single-threaded) and on optimized at each thread count, and prints
// medians and the speedup ratio. Needs the portable linalg kernels and the
// Node addon (node native/build.mjs addon).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';

const { values: opts } = parseArgs({
  options: {
    samples: { type: 'string', default: '5' },
    threads: { type: 'string', default: '1,2' },
    only: { type: 'string' },
    json: { type: 'string' },
  },
});
const samples = Number(opts.samples);
if (samples < 5) throw new Error('--samples must be at least 5');
const threadCounts = opts.threads.split(',').map(Number);

const { loadProgram } = await tsImport('../native/node/index.ts', import.meta.url);
const { buildCase } = await tsImport('../program/suite/ops/build.ts', import.meta.url);
const { tensor } = await tsImport('../program/suite/ops/case.ts', import.meta.url);

const f32 = (shape, constant = false) => tensor('float32', shape, constant ? { constant: true } : {});
const conv = (name, x, w, stride, pad, groups, oh) => ({
  name,
  op: 'aten::convolution.out',
  args: { input: f32(x), weight: f32(w, true), bias: f32([w[0]], true), stride: [stride, stride], padding: [pad, pad],
    dilation: [1, 1], transposed: false, output_padding: [0, 0], groups },
  out: [x[0], w[0], oh, oh],
});
const LAYERS = [
  conv('resnet18 stem 7x7/2 3->64 @224', [1, 3, 224, 224], [64, 3, 7, 7], 2, 3, 1, 112),
  conv('resnet18 3x3 64->64 @56', [1, 64, 56, 56], [64, 64, 3, 3], 1, 1, 1, 56),
  conv('resnet18 3x3 256->256 @14', [1, 256, 14, 14], [256, 256, 3, 3], 1, 1, 1, 14),
  conv('resnet18 1x1/2 128->256 @28', [1, 128, 28, 28], [256, 128, 1, 1], 2, 0, 1, 14),
  conv('mobilenetv2 1x1 16->96 @112', [1, 16, 112, 112], [96, 16, 1, 1], 1, 0, 1, 112),
  conv('mobilenetv2 dw 3x3 144 @56', [1, 144, 56, 56], [144, 1, 3, 3], 1, 1, 144, 56),
  conv('mobilenetv2 dw 3x3/2 96 @112', [1, 96, 112, 112], [96, 1, 3, 3], 2, 1, 96, 56),
  { name: 'classifier addmm [1,512]x[512,1000]', op: 'aten::addmm.out',
    args: { self: f32([1000], true), mat1: f32([1, 512]), mat2: f32([512, 1000], true), beta: 1, alpha: 1 }, out: [1, 1000] },
  { name: 'ffn linear [128,256]x[1024,256]^T', op: 'aten::linear.out',
    args: { input: f32([128, 256]), weight: f32([1024, 256], true), bias: f32([1024], true) }, out: [128, 1024] },
  { name: 'attention bmm [8,128,64]x[8,64,128]', op: 'aten::bmm.out',
    args: { self: f32([8, 128, 64]), mat2: f32([8, 64, 128]) }, out: [8, 128, 128] },
].filter((l) => !opts.only || l.name.includes(opts.only));

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const configs = [{ kernels: 'portable', threads: 1 }, ...threadCounts.map((threads) => ({ kernels: 'optimized', threads }))];
const rows = [];
for (const layer of LAYERS) {
  const suite = { op: layer.op, allows: { broadcast: false, dimOrder: false, edge: false }, cases: [] };
  const c = { name: 'bench', dtype: 'float32', covers: ['large'], args: layer.args, outs: { out: { dtype: 'float32', shape: layer.out } } };
  const built = buildCase(suite, c);
  const programs = configs.map((cfg) => {
    const p = loadProgram(built.bpte, cfg);
    p.loadMethod();
    // Sums of up to 2304 float32 products: atol 1e-4 (the suites' 1e-5 is for their short sums).
    const bad = p.checkBundled(0, 1e-4, 1e-4).filter((k) => !k.pass);
    if (bad.length) throw new Error(`${layer.name} on ${cfg.kernels}: output disagrees with the reference: ${JSON.stringify(bad)}`);
    return p;
  });
  const ms = configs.map(() => []);
  const cpu = configs.map(() => []);
  for (let s = 0; s < samples + 1; s++) {
    for (let i = 0; i < configs.length; i++) {
      const k = (i + s) % configs.length;
      const c0 = process.cpuUsage();
      const prof = programs[k].profile(1, null);
      const c1 = process.cpuUsage(c0);
      if (s === 0) continue;
      ms[k].push(prof.reduce((a, p) => a + p.totalNs, 0) / 1e6);
      cpu[k].push((c1.user + c1.system) / 1e3);
    }
  }
  programs.forEach((p) => p.close());
  const med = ms.map(median);
  const medCpu = cpu.map(median);
  rows.push({
    layer: layer.name,
    portable_ms: med[0],
    portable_cpu_ms: medCpu[0],
    optimized_ms: Object.fromEntries(threadCounts.map((t, i) => [t, med[i + 1]])),
    optimized_cpu_ms: Object.fromEntries(threadCounts.map((t, i) => [t, medCpu[i + 1]])),
  });
}

// wall: the runtime's per-instruction time; cpu: the process's CPU time
// around the same execute (all threads), which on a shared, overloaded VM
// leaves out the time other processes held the cores.
const head = ['layer'.padEnd(38), 'portable ms wall/cpu'.padStart(20), ...threadCounts.flatMap((t) => [`opt ${t}t ms wall/cpu`.padStart(20), `speedup wall/cpu`.padStart(16)])];
console.log(`medians of ${samples} samples per execute; speedup = portable / optimized`);
console.log(head.join(' '));
const pair = (a, b) => `${a.toFixed(2)}/${b.toFixed(2)}`;
for (const r of rows) {
  const cells = threadCounts.flatMap((t) => [
    pair(r.optimized_ms[t], r.optimized_cpu_ms[t]).padStart(20),
    `${(r.portable_ms / r.optimized_ms[t]).toFixed(1)}x/${(r.portable_cpu_ms / r.optimized_cpu_ms[t]).toFixed(1)}x`.padStart(16),
  ]);
  console.log([r.layer.padEnd(38), pair(r.portable_ms, r.portable_cpu_ms).padStart(20), ...cells].join(' '));
}
if (opts.json) writeFileSync(opts.json, JSON.stringify(rows, null, 2) + '\n');
