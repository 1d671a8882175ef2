// partitionXnnpack (program/partition): zoo models written as portable and as XNNPACK-delegated
// programs give the same outputs on etrun within the model's tolerances, the delegated programs
// really consist of DelegateCalls whose payloads decode (XH00, XN01, named-data weights), and a
// program with an operator the partitioner does not take is split around it.
import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import { ProgramBuilder, readProgram } from '../../program/index.js';
import { partitionXnnpack } from '../../program/partition/index.js';
import { readXnnpackPayload, type XnnGraphInfo } from '../../program/read/read-xnnpack.js';
import { writeProgram } from '../../program/write/write-program.js';
import { ensureZoo, lowerToProgram, ZOO_DEFAULT_SEED, zooModel } from '../../program/zoo/index.js';
import { ZOO_TEST_HOME } from '../helpers/fixtures.js';
import { describeRun, etrun, QUICK, tempDir, writeTemp } from '../program/etrun.js';

function graphs(pte: Uint8Array): XnnGraphInfo[] {
  const info = readProgram(pte);
  return info.methods[0]!.delegates.map((d) => {
    if (d.id !== 'XnnpackBackend') throw new Error(`delegate ${d.id}`);
    return readXnnpackPayload(pte.subarray(d.payloadOffset!, d.payloadOffset! + d.payloadSize));
  });
}

function outputsOf(t: ExecutionContext, file: string): number[][] {
  const r = etrun([file, ...QUICK.map((a) => (a === 'random:3' ? 'random:0' : a))]);
  t.is(r.code, 0, describeRun(r));
  return r.doc!.outputs!.map((o) => o.data as number[]);
}

// Whole models the backend covers: every instruction is lowered, into one delegate.
// mobilenet_v3_small keeps its hardswish/hardsigmoid scalar ops (add.Scalar, div.Scalar) and the
// broadcast squeeze-excite mul on the kernels: many delegates, NHWC transposes at every boundary.
// ds_cnn_int8 (PT2E int8: dequantize -> op -> quantize around every layer) becomes qint8 nodes.
const MODELS: { name: string; kinds: string[]; split?: boolean; int8?: boolean }[] = [
  { name: 'mlp', kinds: ['XNNFullyConnected'] },
  { name: 'ds_cnn', kinds: ['XNNConv2d', 'XNNDepthwiseConv2d', 'XNNStaticTranspose', 'XNNGlobalAvgPooling2d'] },
  { name: 'mobilenet_v2', kinds: ['XNNConv2d', 'XNNDepthwiseConv2d', 'XNNAdd', 'XNNGlobalAvgPooling2d', 'XNNFullyConnected'] },
  { name: 'resnet18', kinds: ['XNNConv2d', 'XNNMaxPooling2d', 'XNNAdd', 'XNNStaticReshape', 'XNNFullyConnected'] },
  { name: 'mobilenet_v3_small', kinds: ['XNNConv2d', 'XNNStaticTranspose'], split: true },
  { name: 'ds_cnn_int8', kinds: ['XNNConvert', 'XNNConv2d', 'XNNDepthwiseConv2d', 'XNNGlobalAvgPooling2d', 'XNNFullyConnected'], int8: true },
];

for (const { name, kinds, split, int8 } of MODELS) {
  test.serial(`zoo ${name}: the XNNPACK-delegated program matches the portable one`, async (t) => {
    t.timeout(600_000);  // generating resnet18 and running it twice on a loaded 2-core machine
    const dir = await tempDir(t, 'etbench-partition-');
    const [entry] = ensureZoo({ home: ZOO_TEST_HOME, models: [name], bundled: false });
    const built = lowerToProgram(zooModel(name).build(ZOO_DEFAULT_SEED)).build();
    t.true(Buffer.from(built.pte).equals(readFileSync(entry!.pte)), 'the partitioned spec is the zoo program');
    const kernelCalls = built.spec.methods[0]!.instructions.filter((i) => i.kind === 'KernelCall').length;

    const { spec, report } = partitionXnnpack(built.spec);
    const kept = Object.values(report.remaining).reduce((a, b) => a + b, 0);
    const pte = writeProgram(spec);
    const info = readProgram(pte);
    const chain = info.methods[0]!.chains[0]!;
    t.is(chain.filter((i) => i.kind === 'DelegateCall').length, report.delegates);
    t.is(report.lowered + kept, kernelCalls);
    if (split) {
      t.true(report.delegates > 1 && kept > 0 && report.remaining['aten::add.Scalar_out']! > 0);
    } else {
      t.is(report.delegates, 1);
      t.deepEqual(chain.map((i) => i.kind), ['DelegateCall']);
    }
    const all = graphs(pte);
    const g = all[0];
    for (const k of kinds) t.true(all.some((x) => x.nodes.some((n) => n.kind === k)), `${name} has ${k}`);
    // Every relu right after a convolution or linear layer is fused into its output range.
    const fused = all.flatMap((x) => x.nodes).filter((n) => n.outputMinMax?.[0] === 0);
    if (name !== 'resnet18' && name !== 'mobilenet_v3_small') t.true(fused.length > 0, `${name}: no fused relu`);
    if (int8) {
      // The graph computes in qint8 between its input and output conversions, with int32 biases.
      const values = new Map(g!.values.map((v) => [v.id, v]));
      const heavy = g!.nodes.filter((n) => n.kind === 'XNNConv2d' || n.kind === 'XNNDepthwiseConv2d' || n.kind === 'XNNFullyConnected');
      for (const n of heavy) {
        const [x, w, b, o] = ['input1_id', 'filter_id', 'bias_id', 'output_id'].map((f) => values.get(n.fields[f] as number)!);
        t.deepEqual([x!.datatype, w!.datatype, b!.datatype, o!.datatype], ['qint8', 'qint8', 'qint32', 'qint8'], `${n.kind} ${n.debugHandle}`);
        t.is(x!.quant?.kind, 'per_tensor');
      }
      t.deepEqual(g!.nodes.filter((n) => n.kind === 'XNNConvert').length, 2);
    }
    t.is(g!.identifier, 'XN01');
    t.not(g!.header, null);
    const keys = new Set(info.namedData.map((n) => n.key));
    t.true(all.every((x) => x.constantData.slice(1).every((c) => keys.has(c.namedKey))), 'every constant is in the named data');

    const portable = outputsOf(t, entry!.pte);
    const delegated = outputsOf(t, await writeTemp(dir, `${name}.xnnpack.pte`, pte));
    const { rtol, atol } = entry!.tolerances;
    t.is(delegated.length, portable.length);
    let worst = 0;
    portable.forEach((out, o) => out.forEach((v, i) => {
      const d = Math.abs(v - delegated[o]![i]!);
      worst = Math.max(worst, d - (atol + rtol * Math.abs(v)));
    }));
    t.true(worst <= 0, `${name}: exceeds atol ${atol} + rtol ${rtol} by ${worst}`);
    t.log(`${name}: ${report.lowered} of ${kernelCalls} instructions in ${report.delegates} delegate(s), max diff within tolerance`);
  });
}

// The unrolled LSTM reads its 4 weights from ~100 fully connected nodes in ~100 delegates; the
// weights are named data shared by key, and the delegates pack each one once (the method's
// PackCache), as the optimized kernels do. Packed per node, the method allocator held ~100 MB.
test.serial('zoo lstm: delegates over one weight share its packed copy', async (t) => {
  t.timeout(300_000);
  const dir = await tempDir(t, 'etbench-partition-');
  const [entry] = ensureZoo({ home: ZOO_TEST_HOME, models: ['lstm'], bundled: false });
  const { spec, report } = partitionXnnpack(lowerToProgram(zooModel('lstm').build(ZOO_DEFAULT_SEED)).build().spec);
  const pte = writeProgram(spec);
  const fcNodes = graphs(pte).flatMap((g) => g.nodes).filter((n) => n.kind === 'XNNFullyConnected').length;
  t.true(report.delegates > 50 && fcNodes > 50, `${report.delegates} delegates, ${fcNodes} fully connected nodes`);
  const file = await writeTemp(dir, 'lstm.xnnpack.pte', pte);
  const run = (f: string, kernels: string) => {
    const r = etrun([f, '--kernels', kernels, ...QUICK]);
    t.is(r.code, 0, describeRun(r));
    return r.doc!;
  };
  const optimized = run(entry!.pte, 'optimized');
  const delegated = run(file, 'optimized');
  const bytes = (d: typeof optimized) => d.memory?.method_allocator_bytes ?? Number.NaN;
  t.true(bytes(delegated) < 2 * bytes(optimized), `delegated ${bytes(delegated)} bytes vs optimized ${bytes(optimized)}`);
  const { rtol, atol } = entry!.tolerances;
  const want = optimized.outputs![0]!.data as number[];
  (delegated.outputs![0]!.data as number[]).forEach((v, i) => t.true(Math.abs(v - want[i]!) <= atol + rtol * Math.abs(want[i]!), `output ${i}`));
  t.log(`lstm: ${fcNodes} fully connected nodes in ${report.delegates} delegates; method allocator ${bytes(delegated)} bytes (optimized kernels: ${bytes(optimized)})`);
});

test.serial('an operator the backend lacks splits the program into two delegates around it', async (t) => {
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [2, 3] });
  const w = m.constant({ dtype: 'float32', shape: [3, 3], data: new Float32Array([1, -2, 0.5, 0, 1, 1, -1, 0.25, 2]) });
  const bias = m.constant({ dtype: 'float32', shape: [3], data: new Float32Array([0.1, -0.2, 0.3]) });
  const t1 = m.call('aten::addmm.out', { self: bias, mat1: x, mat2: w, out: m.tensor({ dtype: 'float32', shape: [2, 3] }) });
  const t2 = m.call('aten::relu.out', { self: t1, out: m.tensor({ dtype: 'float32', shape: [2, 3] }) });
  const s = m.call('aten::sigmoid.out', { self: t2, out: m.tensor({ dtype: 'float32', shape: [2, 3] }) });
  const y = m.call('aten::mul.out', { self: s, other: t1, out: m.tensor({ dtype: 'float32', shape: [2, 3] }) });
  m.output(y);
  const built = b.build();
  const { spec, report } = partitionXnnpack(built.spec);
  t.deepEqual(report, { delegates: 2, lowered: 3, remaining: { 'aten::sigmoid.out': 1 } });
  const pte = writeProgram(spec);
  t.deepEqual(readProgram(pte).methods[0]!.chains[0]!.map((i) => i.kind), ['DelegateCall', 'KernelCall', 'DelegateCall']);
  // The first delegate has two outputs (t1 is read again by the second one).
  const [first, second] = graphs(pte);
  t.is(first!.outputIds.length, 2);
  t.is(second!.inputIds.length, 2);
  const dir = await tempDir(t, 'etbench-partition-');
  const a = outputsOf(t, await writeTemp(dir, 'p.pte', built.pte));
  const d = outputsOf(t, await writeTemp(dir, 'd.pte', pte));
  a[0]!.forEach((v, i) => t.true(Math.abs(v - d[0]![i]!) <= 1e-6, `element ${i}: ${v} vs ${d[0]![i]}`));
});
