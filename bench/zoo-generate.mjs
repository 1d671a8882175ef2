#!/usr/bin/env node
// Time to generate each zoo model, by phase (bench/README.md).
//
//   node bench/zoo-generate.mjs                  # every model, 1 round
//   node bench/zoo-generate.mjs --rounds 3 mlp resnet18
//
// Phases: the graph with its seeded weights, the .pte (lowering, memory planning, writing),
// the ONNX twin. The peer measured in the same run is onnxruntime-node creating a session
// from the twin (what loading the same weights costs a consumer); the last column is the
// ratio generation / ORT session creation. Medians over rounds.
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { tsImport } from 'tsx/esm/api';

const { values: opts, positionals } = parseArgs({ options: { rounds: { type: 'string', default: '1' } }, allowPositionals: true });
const rounds = Number(opts.rounds);
const zoo = await tsImport('../program/zoo/index.ts', import.meta.url);
const specs = positionals.length > 0 ? positionals.map((n) => zoo.zooModel(n)) : zoo.ZOO_MODELS;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const time = (fn) => {
  const t = performance.now();
  const r = fn();
  return [r, (performance.now() - t) / 1000];
};

console.log('model                 graph s   pte s  onnx s  total s   ort load s  total/ort');
for (const spec of specs) {
  const rows = [];
  for (let r = 0; r < rounds; r++) {
    const [graph, tGraph] = time(() => spec.build(zoo.ZOO_DEFAULT_SEED));
    const [, tPte] = time(() => zoo.lowerToProgram(graph).build().pte);
    const [onnx, tOnnx] = time(() => zoo.toOnnx(graph));
    const t = performance.now();
    await ort.InferenceSession.create(onnx);
    rows.push([tGraph, tPte, tOnnx, tGraph + tPte + tOnnx, (performance.now() - t) / 1000]);
  }
  const m = [0, 1, 2, 3, 4].map((i) => median(rows.map((row) => row[i])));
  console.log(`${spec.name.padEnd(20)} ${m.slice(0, 4).map((x) => x.toFixed(2).padStart(7)).join(' ')}  ${m[4].toFixed(2).padStart(10)}  ${(m[3] / m[4]).toFixed(1).padStart(9)}`);
}
