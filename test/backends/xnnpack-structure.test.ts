// Issue 14, acceptance 2: re-partitioning portable equivalents of the three real XNNPACK programs
// in ../shared/fixtures/xnnpack (built here from the weights and parameters in their payloads)
// gives graphs structurally equal to the real ones: node kinds and parameters in order, and
// corresponding values with the same datatype, dims, flags, external ids, quantization and
// named-data key (the sha256 of the weight bytes, so our filter layouts are byte-identical).
// The comparer (program/partition/xnn-compare.ts) is also shown to catch each kind of change.
import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ProgramBuilder, readProgram } from '../../program/index.js';
import { partitionXnnpack, xnnStructureDiffs } from '../../program/partition/index.js';
import { readXnnpackPayload, type XnnGraphInfo, type XnnValueInfo } from '../../program/read/read-xnnpack.js';
import { writeProgram } from '../../program/write/write-program.js';
import { fixturesDir } from '../program/helpers.js';
import { describeRun, etrun, tempDir, writeTemp } from '../program/etrun.js';
import { constantBytes, delegated } from './xnnpack-helpers.js';

type Built = ReturnType<ProgramBuilder['build']>;
const FIXTURE = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(fixturesDir, 'xnnpack', name)));

function graphOf(pte: Uint8Array): XnnGraphInfo {
  const d = readProgram(pte).methods[0]!.delegates;
  if (d.length !== 1) throw new Error(`${d.length} delegates`);
  return readXnnpackPayload(pte.subarray(d[0]!.payloadOffset!, d[0]!.payloadOffset! + d[0]!.payloadSize));
}

const f32 = (b: Uint8Array): Float32Array => new Float32Array(b.slice().buffer);
const valueOf = (g: XnnGraphInfo, id: number): XnnValueInfo => g.values.find((v) => v.id === id)!;
const field = (g: XnnGraphInfo, kind: string, name: string): number => g.nodes.find((n) => n.kind === kind)!.fields[name] as number;

/** conv3x3.pte as a portable program: convolution (OIHW weight from the OHWI filter), bias, relu. */
function conv3x3Portable(real: Uint8Array): Built {
  const g = delegated(real).graph;
  const filter = valueOf(g, field(g, 'XNNConv2d', 'filter_id'));
  const [o, kh, kw, i] = filter.dims as [number, number, number, number];
  const ohwi = f32(constantBytes(real, g, filter));
  const oihw = new Float32Array(ohwi.length);
  for (let a = 0; a < o; a++) for (let c = 0; c < i; c++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) {
    oihw[((a * i + c) * kh + y) * kw + x] = ohwi[((a * kh + y) * kw + x) * i + c]!;
  }
  const bias = f32(constantBytes(real, g, valueOf(g, field(g, 'XNNConv2d', 'bias_id'))));
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const input = m.input({ dtype: 'float32', shape: [1, i, 16, 16] });
  const w = m.constant({ dtype: 'float32', shape: [o, i, kh, kw], data: oihw });
  const bb = m.constant({ dtype: 'float32', shape: [o], data: bias });
  const conv = m.call('aten::convolution.out', [input, w, bb, [1, 1], [1, 1], [1, 1], false, [0, 0], 1, m.tensor({ dtype: 'float32', shape: [1, o, 16, 16] })]);
  m.output(m.call('aten::relu.out', [conv, m.tensor({ dtype: 'float32', shape: [1, o, 16, 16] })]));
  return b.build();
}

/** linear129.pte as a portable program: linear on a 1-D input. */
function linear129Portable(real: Uint8Array): Built {
  const g = delegated(real).graph;
  const filter = valueOf(g, field(g, 'XNNFullyConnected', 'filter_id'));
  const [n, k] = filter.dims as [number, number];
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [k] });
  const w = m.constant({ dtype: 'float32', shape: [n, k], data: f32(constantBytes(real, g, filter)) });
  const bias = m.constant({ dtype: 'float32', shape: [n], data: f32(constantBytes(real, g, valueOf(g, field(g, 'XNNFullyConnected', 'bias_id')))) });
  m.output(m.call('aten::linear.out', [x, w, bias, m.tensor({ dtype: 'float32', shape: [n] })]));
  return b.build();
}

/**
 * quantized_linear.pte as PT2E writes it before lowering: quantize/dequantize the input, a
 * dequantized int8 weight, linear with the float bias (the int32 bias times its scale),
 * quantize/dequantize the output.
 */
function quantizedLinearPortable(real: Uint8Array): Built {
  const g = delegated(real).graph;
  const fc = g.nodes.find((x) => x.kind === 'XNNFullyConnected')!;
  const [xq, wv, bv, yq] = ['input1_id', 'filter_id', 'bias_id', 'output_id'].map((f) => valueOf(g, fc.fields[f] as number));
  const q = (v: XnnValueInfo): { scale: number; zeroPoint: number } => {
    if (v.quant?.kind !== 'per_tensor') throw new Error(`value ${v.id} is not per-tensor quantized`);
    return v.quant;
  };
  const [n, k] = wv!.dims as [number, number];
  const rows = xq!.dims[0]!;
  const bInt = new Int32Array(constantBytes(real, g, bv!).slice().buffer);
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const qdq = (t: ReturnType<typeof m.input>, p: { scale: number; zeroPoint: number }, shape: number[]): ReturnType<typeof m.input> => {
    const qt = m.call('quantized_decomposed::quantize_per_tensor.out', [t, p.scale, p.zeroPoint, -128, 127, 1, m.tensor({ dtype: 'int8', shape })]);
    return m.call('quantized_decomposed::dequantize_per_tensor.out', [qt, p.scale, p.zeroPoint, -128, 127, 1, null, m.tensor({ dtype: 'float32', shape })]);
  };
  const x = m.input({ dtype: 'float32', shape: [rows, k] });
  const xd = qdq(x, q(xq!), [rows, k]);
  const wInt = m.constant({ dtype: 'int8', shape: [n, k], data: new Int8Array(constantBytes(real, g, wv!).slice().buffer) });
  const wd = m.call('quantized_decomposed::dequantize_per_tensor.out', [wInt, q(wv!).scale, 0, -128, 127, 1, null, m.tensor({ dtype: 'float32', shape: [n, k] })]);
  const bias = m.constant({ dtype: 'float32', shape: [n], data: Float32Array.from(bInt, (v) => Math.fround(v * q(bv!).scale)) });
  const y = m.call('aten::linear.out', [xd, wd, bias, m.tensor({ dtype: 'float32', shape: [rows, n] })]);
  m.output(qdq(y, q(yq!), [rows, n]));
  return b.build();
}

const CASES: [string, (real: Uint8Array) => Built][] = [
  ['conv3x3.pte', conv3x3Portable],
  ['linear129.pte', linear129Portable],
  ['quantized_linear.pte', quantizedLinearPortable],
];

for (const [name, portable] of CASES) {
  test.serial(`${name}: our partitioning of its portable equivalent is structurally the real graph`, async (t) => {
    const real = FIXTURE(name);
    const built = portable(real);
    const pte = built.pte;
    const { spec, report } = partitionXnnpack(built.spec);
    t.deepEqual(report.remaining, {});
    t.is(report.delegates, 1);
    const ours = writeProgram(spec);
    t.deepEqual(xnnStructureDiffs(graphOf(real), graphOf(ours)), []);
    t.deepEqual(graphOf(ours).nodes.map((x) => x.kind), graphOf(real).nodes.map((x) => x.kind));
    const keys = (p: Uint8Array): string[] => readProgram(p).namedData.map((d) => d.key).sort();
    t.deepEqual(keys(ours), keys(real), 'the named data holds the same blobs');
    // And it computes what the portable program computes.
    const dir = await tempDir(t, 'etbench-xnn-structure-');
    const run = async (p: Uint8Array, file: string): Promise<number[]> => {
      const r = etrun([await writeTemp(dir, file, p), '--inputs', 'random:1', '--print-outputs', '--iterations', '1', '--warmup', '0']);
      t.is(r.code, 0, describeRun(r));
      return (r.doc?.outputs?.[0]?.data ?? []) as number[];
    };
    const [a, d] = [await run(pte, 'portable.pte'), await run(ours, 'ours.pte')];
    t.is(a.length, d.length);
    // Float graphs agree to rounding; the quantized one to one output quantum.
    const tol = name.startsWith('quantized') ? q8Step(graphOf(real)) * 1.01 : 1e-5;
    a.forEach((v, i) => t.true(Math.abs(v - d[i]!) <= tol, `element ${i}: ${v} vs ${d[i]}`));
  });
}

function q8Step(g: XnnGraphInfo): number {
  const out = valueOf(g, g.nodes.find((n) => n.kind === 'XNNFullyConnected')!.fields['output_id'] as number);
  return out.quant?.kind === 'per_tensor' ? out.quant.scale : 0;
}

test('the comparer names each kind of structural difference', (t) => {
  const real = graphOf(FIXTURE('quantized_linear.pte'));
  const clone = (): XnnGraphInfo => JSON.parse(JSON.stringify(real, (_, v) => (typeof v === 'bigint' ? Number(v) : v))) as XnnGraphInfo;
  t.deepEqual(xnnStructureDiffs(real, clone()), []);
  // Renumbering values is not a difference.
  const renumbered = clone();
  const shift = (id: number): number => (id === 0xffffffff ? id : id + 100);
  renumbered.values.forEach((v) => { v.id = shift(v.id); });
  renumbered.nodes.forEach((n) => { for (const f of Object.keys(n.fields)) if (f.endsWith('_id')) n.fields[f] = shift(n.fields[f] as number); });
  renumbered.inputIds = renumbered.inputIds.map(shift);
  renumbered.outputIds = renumbered.outputIds.map(shift);
  t.deepEqual(xnnStructureDiffs(real, renumbered), []);
  const changes: [string, (g: XnnGraphInfo) => void, RegExp][] = [
    ['kind', (g) => { g.nodes[1]!.kind = 'XNNConv2d'; }, /node 1: real XNNFullyConnected, ours XNNConv2d/],
    ['datatype', (g) => { g.values[2]!.datatype = 'fp32'; }, /datatype real qint8, ours fp32/],
    ['scale', (g) => { g.values[1]!.quant = { kind: 'per_tensor', scale: 0.5, zeroPoint: -27 }; }, /quantization real per_tensor\(scale 0.00798/],
    ['zero point', (g) => { g.values[4]!.quant = { kind: 'per_tensor', scale: (real.values[4]!.quant as { scale: number }).scale, zeroPoint: 0 }; }, /zero point -30\), ours .*zero point 0\)/],
    ['flags', (g) => { g.values[5]!.flags = 0; }, /flags real 2, ours 0/],
    ['named-data key', (g) => { g.constantData[1]!.namedKey = 'f'.repeat(64); }, /constant real f12ea8fa/],
    ['wiring', (g) => { g.nodes[2]!.fields['input_id'] = 1; }, /do not correspond/],
    ['no bias', (g) => { g.nodes[1]!.fields['bias_id'] = 0xffffffff; }, /bias_id: real value 3, ours has no value/],
    ['output range', (g) => { g.nodes[1]!.outputMinMax = [0, 6]; }, /output range/],
  ];
  for (const [what, change, expected] of changes) {
    const g = clone();
    change(g);
    const diffs = xnnStructureDiffs(real, g);
    t.true(diffs.some((d) => expected.test(d)), `${what}: ${diffs.join('; ')}`);
  }
});
