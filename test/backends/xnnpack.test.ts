// The XnnpackBackend (native/backends/xnnpack) on the real delegated programs in
// ../shared/fixtures/xnnpack: etrun's outputs against a float64 computation in
// this file from the weights in each program's named data and the graph's own
// parameters (read with program/read/read-xnnpack.ts), and hostile payloads
// (each corrupts one field of a real payload) failing with the right exit code
// and a message naming the problem. Needs build/native/release/etrun.
import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ProgramBuilder } from '../../program/index.js';
import type { XnnNodeInfo } from '../../program/read/read-xnnpack.js';
import { fixturesDir } from '../program/helpers.js';
import { describeRun, etrun, tempDir, writeTemp, type EtrunRun } from '../program/etrun.js';
import { constantBytes, constantF32, delegated, deref, fieldPos, graphView, inputValues, tableAt, type Delegated } from './xnnpack-helpers.js';

const FIXTURE = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(fixturesDir, 'xnnpack', name)));
const RUN = ['--print-outputs', '--iterations', '1', '--warmup', '0'];

async function runWith(t: ExecutionContext, bytes: Uint8Array, shape: number[], data: number[]): Promise<EtrunRun> {
  const dir = await tempDir(t, 'etbench-xnnpack-');
  const program = await writeTemp(dir, 'p.pte', bytes);
  const inputs = await writeTemp(dir, 'in.json', JSON.stringify({ inputs: [{ dtype: 'float32', shape, data }] }));
  return etrun([program, '--inputs', inputs, ...RUN]);
}

function outputOf(t: { fail(m: string): void }, r: EtrunRun): number[] {
  if (r.code !== 0 || !r.doc?.outputs?.[0]) {
    t.fail(describeRun(r));
    return [];
  }
  return r.doc.outputs[0].data as number[];
}

function node(d: Delegated, kind: string): XnnNodeInfo {
  const n = d.graph.nodes.find((x) => x.kind === kind);
  if (n === undefined) throw new Error(`no ${kind} node`);
  return n;
}

function clampTo(n: XnnNodeInfo, v: number): number {
  return n.outputMinMax === null ? v : Math.min(Math.max(v, n.outputMinMax[0]), n.outputMinMax[1]);
}

/** max |got - want| and whether every element is within 1e-4 relative (plus 1e-6 absolute). */
function compare(got: number[], want: number[]): { maxAbs: number; ok: boolean } {
  let maxAbs = 0;
  let ok = got.length === want.length;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    maxAbs = Math.max(maxAbs, d);
    if (!(d <= 1e-4 * Math.abs(want[i]!) + 1e-6)) ok = false;
  }
  return { maxAbs, ok };
}

test.serial('conv3x3.pte: NCHW->NHWC transpose, 3x3 conv (pad 1, bias, fused ReLU), transpose back match a float64 conv', async (t) => {
  const bytes = FIXTURE('conv3x3.pte');
  const d = delegated(bytes);
  t.deepEqual(d.graph.nodes.map((n) => n.kind), ['XNNStaticTranspose', 'XNNConv2d', 'XNNStaticTranspose']);
  const conv = node(d, 'XNNConv2d');
  const f = conv.fields as Record<string, number>;
  const filter = d.graph.values[f.filter_id!]!;
  const w = constantF32(bytes, d.graph, filter);
  const b = constantF32(bytes, d.graph, d.graph.values[f.bias_id!]!);
  const [Cout, KH, KW, Cin] = filter.dims as [number, number, number, number];
  t.deepEqual([Cout, KH, KW, Cin], [8, 3, 3, 3]);
  t.deepEqual(conv.outputMinMax, [0, Infinity]);
  const H = 16, W = 16;
  const x = inputValues(Cin * H * W, 11);
  const want: number[] = [];
  for (let co = 0; co < Cout; co++) {
    for (let oy = 0; oy < H; oy++) {
      for (let ox = 0; ox < W; ox++) {
        let s = b[co]!;
        for (let ky = 0; ky < KH; ky++) {
          for (let kx = 0; kx < KW; kx++) {
            const iy = oy * f.subsampling_height! + ky * f.dilation_height! - f.padding_top!;
            const ix = ox * f.subsampling_width! + kx * f.dilation_width! - f.padding_left!;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            for (let ci = 0; ci < Cin; ci++) s += w[((co * KH + ky) * KW + kx) * Cin + ci]! * x[(ci * H + iy) * W + ix]!;
          }
        }
        want.push(clampTo(conv, s));
      }
    }
  }
  const got = outputOf(t, await runWith(t, bytes, [1, Cin, H, W], x));
  const { maxAbs, ok } = compare(got, want);
  t.log(`conv3x3 max abs error ${maxAbs.toExponential(2)}`);
  t.true(ok, `max abs error ${maxAbs}`);
  t.true(want.some((v) => v === 0) && want.some((v) => v > 0.1), 'the fused ReLU is exercised');
});

test.serial('linear129.pte: fully connected 129 -> 64 matches a float64 matrix-vector product', async (t) => {
  const bytes = FIXTURE('linear129.pte');
  const d = delegated(bytes);
  const fc = node(d, 'XNNFullyConnected');
  const f = fc.fields as Record<string, number>;
  const filter = d.graph.values[f.filter_id!]!;
  t.deepEqual(filter.dims, [64, 129]);
  t.is(f.flags, 0);
  const w = constantF32(bytes, d.graph, filter);
  const b = constantF32(bytes, d.graph, d.graph.values[f.bias_id!]!);
  const x = inputValues(129, 5);
  const want = Array.from({ length: 64 }, (_, n) => {
    let s = b[n]!;
    for (let k = 0; k < 129; k++) s += w[n * 129 + k]! * x[k]!;
    return clampTo(fc, s);
  });
  const got = outputOf(t, await runWith(t, bytes, [129], x));
  const { maxAbs, ok } = compare(got, want);
  t.log(`linear129 max abs error ${maxAbs.toExponential(2)}`);
  t.true(ok, `max abs error ${maxAbs}`);
});

test.serial('quantized_linear.pte: quantize, qint8 fully connected with qint32 bias, dequantize match the integer pipeline in float64', async (t) => {
  const bytes = FIXTURE('quantized_linear.pte');
  const d = delegated(bytes);
  t.deepEqual(d.graph.nodes.map((n) => n.kind), ['XNNConvert', 'XNNFullyConnected', 'XNNConvert']);
  const fc = node(d, 'XNNFullyConnected');
  const f = fc.fields as Record<string, number>;
  const vals = d.graph.values;
  const xq = vals[f.input1_id!]!, wv = vals[f.filter_id!]!, bv = vals[f.bias_id!]!, yq = vals[f.output_id!]!;
  t.deepEqual([xq.datatype, wv.datatype, bv.datatype, yq.datatype], ['qint8', 'qint8', 'qint32', 'qint8']);
  if (xq.quant?.kind !== 'per_tensor' || wv.quant?.kind !== 'per_tensor' || yq.quant?.kind !== 'per_tensor') return t.fail('per-tensor quantization expected');
  const wBytes = constantBytes(bytes, d.graph, wv);
  const w = Int8Array.from(wBytes);
  const bRaw = constantBytes(bytes, d.graph, bv);
  const bias = new Int32Array(bRaw.buffer.slice(bRaw.byteOffset, bRaw.byteOffset + bRaw.byteLength));
  const [N, K] = wv.dims as [number, number];
  const M = 2;
  // Inside the input's quantized range (about [-0.81, 1.23]) so clipping does not blur the check.
  const x = inputValues(M * K, 9).map((v) => Math.fround(v * 0.75));
  const roundEven = (v: number): number => {
    const r = Math.round(v);
    return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  };
  const q = (v: number, s: number, zp: number): number => Math.min(127, Math.max(-128, roundEven(v / s) + zp));
  const sx = xq.quant.scale, zx = xq.quant.zeroPoint, sw = wv.quant.scale, zw = wv.quant.zeroPoint, sy = yq.quant.scale, zy = yq.quant.zeroPoint;
  const want: number[] = [];
  const real: number[] = [];
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let acc = bias[n]!;
      let r = bias[n]! * sx * sw;
      for (let k = 0; k < K; k++) {
        acc += (q(x[m * K + k]!, sx, zx) - zx) * (w[n * K + k]! - zw);
        r += x[m * K + k]! * (w[n * K + k]! - zw) * sw;
      }
      want.push((q(acc * sx * sw, sy, zy) - zy) * sy);
      real.push(r);
    }
  }
  const got = outputOf(t, await runWith(t, bytes, [M, K], x));
  const { maxAbs } = compare(got, want);
  const { maxAbs: vsReal } = compare(got, real);
  t.log(`quantized_linear max abs error ${maxAbs.toExponential(2)} against the integer pipeline, ${vsReal.toExponential(2)} against unquantized float64`);
  // Requantization is float32 in the runtime: a tie may round the other way (one output step).
  t.true(maxAbs <= sy * 1.0001, `max abs error ${maxAbs} (output step ${sy})`);
  t.true(got.filter((v, i) => Math.abs(v - want[i]!) > 1e-6).length <= 1);
  t.true(vsReal < 8 * sy, `far from the unquantized product: ${vsReal}`);
});

// ---- hostile payloads: one field of a real payload corrupted in place ----

function corrupt(bytes: Uint8Array, edit: (d: Delegated, view: DataView) => void): Uint8Array {
  const copy = new Uint8Array(bytes);
  const d = delegated(copy);
  edit(d, new DataView(copy.buffer, copy.byteOffset, copy.byteLength));
  return copy;
}

async function expectFailure(t: ExecutionContext, bytes: Uint8Array, code: number, message: RegExp): Promise<void> {
  const dir = await tempDir(t, 'etbench-xnnpack-');
  const r = etrun([await writeTemp(dir, 'bad.pte', bytes), '--iterations', '1', '--warmup', '0']);
  t.is(r.code, code, describeRun(r));
  t.regex(r.doc?.error?.message ?? '', message);
  t.regex(r.stderr, message);
}

const LINEAR = 'linear129.pte';

test.serial('hostile: flatbuffer offset past the end of the payload -> exit 3', async (t) => {
  const bad = corrupt(FIXTURE(LINEAR), (d, v) => v.setUint32(d.payloadOffset + 10, 0x7fffff00, true));
  await expectFailure(t, bad, 3, /xnnpack: flatbuffer at offset 2147483392 size \d+ runs past the end/);
});

test.serial('hostile: constant data size past the end of the payload -> exit 3', async (t) => {
  const bad = corrupt(FIXTURE(LINEAR), (d, v) => v.setBigUint64(d.payloadOffset + 22, 1n << 40n, true));
  await expectFailure(t, bad, 3, /xnnpack: constant data at offset \d+ size 1099511627776 runs past the end/);
});

test.serial('hostile: header length smaller than the header -> exit 3', async (t) => {
  const bad = corrupt(FIXTURE(LINEAR), (d, v) => v.setUint16(d.payloadOffset + 8, 12, true));
  await expectFailure(t, bad, 3, /XH00 header length 12/);
});

test.serial('hostile: bad flatbuffer identifier -> exit 3 naming it', async (t) => {
  const bad = corrupt(FIXTURE(LINEAR), (d, v) => v.setUint8(d.flatbufferOffset + 5, 'Q'.charCodeAt(0)));
  await expectFailure(t, bad, 3, /identifier is 'XQ01', expected XN01 or XN00/);
});

test.serial('hostile: a node input id out of range -> exit 3 naming node and id', async (t) => {
  const bad = corrupt(FIXTURE(LINEAR), (d) => {
    const { fb, root } = graphView(d);
    const fc = deref(fb, fieldPos(fb, tableAt(fb, root, 1, 0), 1));  // xnodes[0].xnode_union
    fb.setUint32(fieldPos(fb, fc, 1), 99, true);  // filter_id (input1_id is 0, the default, so not stored)
  });
  await expectFailure(t, bad, 3, /node 0 \(XNNFullyConnected\): input 1 names value 99, which does not exist \(4 values\)/);
});

test.serial('hostile: a tensor id_out out of range -> exit 3', async (t) => {
  const bad = corrupt(FIXTURE(LINEAR), (d) => {
    const { fb, root } = graphView(d);
    const tv = deref(fb, fieldPos(fb, tableAt(fb, root, 2, 1), 1));  // xvalues[1] tensor value
    fb.setUint32(fieldPos(fb, tv, 6), 1000, true);
  });
  await expectFailure(t, bad, 3, /xvalue 1: id_out 1000 is out of range \(4 values\)/);
});

test.serial('hostile: a filter whose dims do not match the named data -> exit 3', async (t) => {
  const bad = corrupt(FIXTURE(LINEAR), (d) => {
    const { fb, root } = graphView(d);
    const tv = deref(fb, fieldPos(fb, tableAt(fb, root, 2, 1), 1));  // the [64, 129] filter
    const dims = deref(fb, fieldPos(fb, tv, 2));
    fb.setUint32(dims + 4, 640, true);
  });
  await expectFailure(t, bad, 3, /constant 1 has 33024 bytes, the tensor needs 330240/);
});

test.serial('hostile: a named-data key the program lacks -> exit 3 naming the key', async (t) => {
  const bytes = FIXTURE(LINEAR);
  const key = delegated(bytes).graph.constantData[1]!.namedKey;
  const bad = corrupt(bytes, (d) => {
    const at = Buffer.from(d.bytes.subarray(d.flatbufferOffset)).indexOf(key, 0, 'latin1');
    d.bytes[d.flatbufferOffset + at] = 'x'.charCodeAt(0);
  });
  await expectFailure(t, bad, 3, new RegExp(`named data 'x${key.slice(1)}' not found`));
});

test.serial('hostile: an unimplemented node kind -> exit 4 naming it', async (t) => {
  const bad = corrupt(FIXTURE(LINEAR), (d) => {
    const { fb, root } = graphView(d);
    fb.setUint8(fieldPos(fb, tableAt(fb, root, 1, 0), 0), 36);  // xnodes[0].xnode_union_type
  });
  await expectFailure(t, bad, 4, /xnnpack: node XNNScaledDotProductAttention not supported/);
});

test.serial('hostile: a node union type outside the schema -> exit 3', async (t) => {
  const bad = corrupt(FIXTURE(LINEAR), (d) => {
    const { fb, root } = graphView(d);
    fb.setUint8(fieldPos(fb, tableAt(fb, root, 1, 0), 0), 200);
  });
  await expectFailure(t, bad, 3, /node 0 has union type 200, which is not an XNNPACK node kind/);
});

test.serial('hostile: an unsupported datatype -> exit 4 naming it', async (t) => {
  const bad = corrupt(FIXTURE(LINEAR), (d) => {
    const { fb, root } = graphView(d);
    const tv = deref(fb, fieldPos(fb, tableAt(fb, root, 2, 0), 1));
    fb.setInt16(fieldPos(fb, tv, 0), 2, true);  // fp16
  });
  await expectFailure(t, bad, 4, /xvalue 0: datatype fp16 is not supported/);
});

test.serial('hostile: truncated XH00 header and tiny payloads -> exit 3', async (t) => {
  for (const [payload, message] of [
    [Uint8Array.of(0, 0, 0, 0, 0x58, 0x48, 0x30, 0x30, 30, 0, 0, 0), /XH00 header truncated \(12 of 30 bytes\)/],
    [Uint8Array.of(1, 2, 3), /payload of 3 bytes is too small/],
    [Uint8Array.of(8, 0, 0, 0, 0x41, 0x42, 0x43, 0x44, 0, 0, 0, 0), /identifier is 'ABCD'/],
  ] as const) {
    const b = new ProgramBuilder();
    const m = b.method('forward');
    const x = m.input({ dtype: 'float32', shape: [4] });
    const y = m.tensor({ dtype: 'float32', shape: [4] });
    m.delegate({ id: 'XnnpackBackend', payload }, [x], [y]);
    m.output(y);
    await expectFailure(t, b.build().pte, 3, message);
  }
});

test.serial('etrun --backends Other leaves XnnpackBackend out: the fixtures are unsupported (exit 4) again', (t) => {
  const r = etrun([path.join(fixturesDir, 'xnnpack', LINEAR), '--backends', 'Other', '--iterations', '1']);
  t.is(r.code, 4, describeRun(r));
  t.regex(r.doc?.error?.message ?? '', /XnnpackBackend/);
});

test.serial('conv3x3.pte and linear129.pte: --threads 2 gives the same bits as --threads 1 (SGEMM tiles never split K)', async (t) => {
  for (const [name, shape] of [['conv3x3.pte', [1, 3, 16, 16]], ['linear129.pte', [129]]] as [string, number[]][]) {
    const dir = await tempDir(t, 'etbench-xnnpack-');
    const program = await writeTemp(dir, name, FIXTURE(name));
    const inputs = await writeTemp(dir, 'in.json', JSON.stringify({ inputs: [{ dtype: 'float32', shape, data: inputValues(shape.reduce((a: number, b: number) => a * b, 1), 3) }] }));
    const [one, two] = [1, 2].map((n) => etrun([program, '--inputs', inputs, '--threads', String(n), ...RUN]));
    t.is(one!.code, 0, describeRun(one!));
    t.is(two!.code, 0, describeRun(two!));
    t.deepEqual(two!.doc?.outputs, one!.doc?.outputs, name);
  }
});
