#!/usr/bin/env node
// Whole zoo models on our runtime against ONNX Runtime on their ONNX twins (same weights),
// measured in the same run (issue 13; docs/optimized-kernels.md).
//
//   node bench/zoo-vs-ort.mjs                         # every model, 1 and 2 threads, 5 rounds
//   node bench/zoo-vs-ort.mjs --rounds 7 --threads 1 mlp resnet18 --json zoo-ort.json
//
// Per round, in alternating order, each runtime executes the model `--iterations` times on the
// zoo's seeded input (after one warm-up call) and the round's median is kept; the table shows
// the median over rounds and ratio = ORT ms / our ms (above 1: we are faster). Ours runs in
// process through the Node addon (--kernels, default optimized), ORT through onnxruntime-node
// with intra-op threads = ours and every graph optimization on (the int8 model's twin is the
// exception, as in the twins test: ORT fuses its QDQ graph otherwise). Before timing, the
// outputs of the two are compared (max |diff| printed): a ratio over different answers would
// mean nothing. Mutable state (the decoder's KV cache) is not timed: stateful models are skipped.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { tsImport } from 'tsx/esm/api';

const { values: opts, positionals } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    iterations: { type: 'string', default: '5' },
    threads: { type: 'string', default: '1,2' },
    kernels: { type: 'string', default: 'optimized' },
    json: { type: 'string' },
  },
  allowPositionals: true,
});
const rounds = Number(opts.rounds);
const iterations = Number(opts.iterations);
if (!(rounds >= 3)) throw new Error('--rounds must be at least 3');
const threadCounts = opts.threads.split(',').map(Number);

const zoo = await tsImport('../program/zoo/index.ts', import.meta.url);
const { loadProgram, makeTensor } = await tsImport('../native/node/index.ts', import.meta.url);

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const timeMs = async (fn) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

const names = positionals.length > 0 ? positionals : zoo.ZOO_MODELS.map((m) => m.name);
const entries = zoo.ensureZoo({ models: names, bundled: false });
const rows = [];
for (const entry of entries) {
  if (entry.states.length > 0) {
    console.log(`${entry.name}: skipped (mutable state: a timed loop would grow its KV cache)`);
    continue;
  }
  const inputs = JSON.parse(readFileSync(entry.inputs, 'utf8'));
  const ours = inputs.map((x) => makeTensor(x.dtype, x.shape, x.dtype === 'int64' ? x.data.map(BigInt) : x.data));
  const graphOptimizationLevel = entry.name.endsWith('_int8') ? 'disabled' : 'all';
  for (const threads of threadCounts) {
    let program;
    try {
      program = loadProgram(entry.pte, { kernels: opts.kernels, threads });
      program.loadMethod();
    } catch (e) {
      console.log(`${entry.name}: our runtime cannot run it: ${e.message.split('\n')[0]}`);
      break;
    }
    const session = await ort.InferenceSession.create(readFileSync(entry.onnx), {
      graphOptimizationLevel, intraOpNumThreads: threads, interOpNumThreads: 1,
    });
    const feeds = {};
    inputs.forEach((x, i) => {
      feeds[session.inputNames[i]] = x.dtype === 'int64'
        ? new ort.Tensor('int64', BigInt64Array.from(x.data, BigInt), x.shape)
        : new ort.Tensor('float32', Float32Array.from(x.data), x.shape);
    });
    const a = program.run(ours)[0].data;
    const b = (await session.run(feeds))[session.outputNames[0]].data;
    let maxDiff = 0;
    for (let i = 0; i < b.length; i++) maxDiff = Math.max(maxDiff, Math.abs(Number(a[i]) - Number(b[i])));
    const oursMs = [];
    const ortMs = [];
    for (let r = 0; r < rounds; r++) {
      const one = async (which) => {
        const samples = [];
        for (let i = 0; i < iterations; i++) {
          samples.push(await timeMs(which === 'ours' ? () => program.run(ours) : () => session.run(feeds)));
        }
        (which === 'ours' ? oursMs : ortMs).push(median(samples));
      };
      // Alternate who goes first, so drift on a shared machine hits both alike.
      if (r % 2 === 0) { await one('ours'); await one('ort'); } else { await one('ort'); await one('ours'); }
    }
    program.close();
    await session.release();
    const row = { model: entry.name, threads, kernels: opts.kernels, ours_ms: median(oursMs), ort_ms: median(ortMs), max_abs_diff: maxDiff, macs: entry.macs };
    row.ratio = row.ort_ms / row.ours_ms;
    rows.push(row);
    console.log(`${entry.name.padEnd(20)} ${String(threads).padStart(2)}t  ours ${row.ours_ms.toFixed(2).padStart(9)} ms  ort ${row.ort_ms.toFixed(2).padStart(9)} ms  ratio ort/ours ${row.ratio.toFixed(2).padStart(5)}  max|diff| ${maxDiff.toExponential(1)}`);
  }
}
if (rows.length > 0) {
  const geo = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
  for (const t of threadCounts) {
    const r = rows.filter((x) => x.threads === t);
    if (r.length > 0) console.log(`geometric mean ratio ort/ours at ${t} thread(s): ${geo(r.map((x) => x.ratio)).toFixed(2)} over ${r.length} models`);
  }
}
if (opts.json) writeFileSync(opts.json, JSON.stringify(rows, null, 2) + '\n');
