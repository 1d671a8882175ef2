// The zoo programs call only core ATen edge operators (namespace aten; the int8 model also the
// exporter's quantized_decomposed ops; no private namespaces), each one the zoo's operator list
// knows, and the programs load back with our reader. The decoder has ExecuTorch's LLM shape:
// dynamic-bound token and position inputs, KV caches as planned mutable buffers.
import test from 'ava';
import { readProgram } from '../../program/index.js';
import { ZOO_MODELS, generateModel, lowerToProgram, zooModel, zooOperators } from '../../program/zoo/index.js';

for (const spec of ZOO_MODELS) {
  test(`${spec.name}: only core ATen operators`, (t) => {
    const graph = spec.build(1);
    const info = readProgram(lowerToProgram(graph).build().pte);
    t.is(info.methods.length, 1);
    const forward = info.methods[0]!;
    t.is(forward.name, 'forward');
    const names = [...new Set(forward.operators.map((o) => o.qualifiedName))].sort();
    t.log(`${spec.name}: ${names.join(', ')}`);
    const namespaces = spec.name.endsWith('_int8') ? ['aten::', 'quantized_decomposed::'] : ['aten::'];
    for (const n of names) {
      t.true(namespaces.some((ns) => n.startsWith(ns)), `${n} is not a core ATen operator`);
      t.not(zooOperators().get(n), undefined, `${n} is not in the operator list`);
    }
    t.deepEqual(forward.inputs.map((i) => i.tensor?.shape), graph.inputs.map((v) => graph.shape(v)));
  });
}

test('llama: forward(tokens, input_pos) with dynamic-bound T and KV caches in mutable buffers', (t) => {
  const model = generateModel(zooModel('llama'), 1);
  const forward = readProgram(model.pte).methods[0]!;
  t.deepEqual(forward.inputs.map((i) => [i.tensor?.dtype, i.tensor?.shape, i.tensor?.dynamism]), [
    ['int64', [1, 128], 'dynamic_bound'],
    ['int64', [128], 'dynamic_bound'],
  ]);
  t.deepEqual(forward.outputs.map((o) => o.tensor?.shape), [[1, 4096]]);
  const caches = forward.values.filter((v) => v.kind === 'Tensor' && v.tensor.placement === 'planned_initialized');
  t.is(caches.length, 12, 'a k and a v cache per layer');
  const names = forward.operators.map((o) => o.qualifiedName);
  for (const op of ['aten::index_put.out', 'aten::embedding.out', 'aten::sym_size.int', 'aten::rsqrt.out', 'aten::bmm.out']) t.true(names.includes(op), op);
  t.true(model.counts.params > 14_500_000 && model.counts.params < 15_500_000, `${model.counts.params} parameters, about 15M`);
});
