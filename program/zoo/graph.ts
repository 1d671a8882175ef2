/**
 * The zoo's model-description layer: a model is a list of nodes over values
 * with static shapes. Three consumers read the same list: counts.ts (parameters
 * and multiply-adds), lower-pte.ts (the ATen edge operators the real exporter
 * emits, through ProgramBuilder) and to-onnx.ts (the ONNX twin). A node is one
 * PyTorch-level operation (conv2d, batch norm, linear, ...); how each becomes
 * edge operators or ONNX nodes is decided in one place per consumer.
 *
 *   const g = new ZooGraph('mlp', seed);
 *   const x = g.input('x', [1, 784]);
 *   g.output(g.linear(g.relu(g.linear(x, 1024, 'fc1')), 10, 'fc2'));
 */

import { ZooError } from './errors.js';
import type { Dim, ZooDType, ZooNode, ZooOp, ZooValue } from './ops.js';
import { ZooRng, fill } from './rng.js';

export type { Dim, ValueRole, ZooDType, ZooNode, ZooOp, ZooValue } from './ops.js';

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const norm = (dim: number, rank: number): number => (dim < 0 ? dim + rank : dim);

export class ZooGraph {
  readonly values: ZooValue[] = [];
  readonly nodes: ZooNode[] = [];
  readonly inputs: number[] = [];
  readonly outputs: number[] = [];

  /** Bound of the dynamic dimension T, and where its run-time size is read from (input, axis). */
  seq: { bound: number; input: number; axis: number } | null = null;

  constructor(readonly name: string, readonly seed: number) {}

  private add(v: Omit<ZooValue, 'id' | 'dyn'> & { dyn?: number }): number {
    return this.values.push({ dyn: -1, ...v, id: this.values.length }) - 1;
  }

  dyn(v: number): number {
    return this.values[v]!.dyn;
  }

  /** Sizes with the dynamic dimension as `T`. */
  dims(v: number): Dim[] {
    const value = this.values[v]!;
    return value.shape.map((d, i) => (i === value.dyn ? 'T' : d));
  }

  shape(v: number): number[] {
    return [...this.values[v]!.shape];
  }

  private fail(what: string, where: string): never {
    throw new ZooError(what, `model '${this.name}', ${where}`);
  }

  input(name: string, shape: Dim[], dtype: ZooDType = 'float32'): number {
    const dyn = shape.indexOf('T');
    if (dyn >= 0 && this.seq === null) this.fail('declare the dynamic dimension first (dynamicDim)', name);
    const v = this.add({ name, role: 'input', dtype, shape: shape.map((d) => (d === 'T' ? this.seq!.bound : d)), data: null, dyn });
    this.inputs.push(v);
    if (dyn >= 0 && this.seq!.input < 0) this.seq = { ...this.seq!, input: v, axis: dyn };
    return v;
  }

  /** Declares T, the one dynamic dimension (up to `bound`); its size is read from the first input that has it. */
  dynamicDim(bound: number): void {
    this.seq = { bound, input: -1, axis: -1 };
  }

  /** Mutable state (a KV cache), zero at the start. */
  state(name: string, shape: number[]): number {
    return this.add({ name, role: 'state', dtype: 'float32', shape, data: new Float32Array(numel(shape)) });
  }

  output(...vs: number[]): void {
    this.outputs.push(...vs);
  }

  /** A value with data drawn from its own seeded stream (named by `name`). */
  tensor(name: string, role: 'param' | 'buffer' | 'const', shape: number[], draw: (rng: ZooRng) => number): number {
    const rng = new ZooRng(this.seed, `${this.name}/${name}`);
    return this.add({ name, role, dtype: 'float32', shape, data: fill(numel(shape), () => draw(rng)) });
  }

  /** He-normal weights: std sqrt(2 / fan_in) (`gain` scales it). */
  weight(name: string, shape: number[], fanIn: number, gain = 1): number {
    const std = gain * Math.sqrt(2 / fanIn);
    return this.tensor(name, 'param', shape, (r) => r.normal() * std);
  }

  /** Small biases: uniform in ±0.1/sqrt(fan_in). */
  bias(name: string, n: number, fanIn: number): number {
    const b = 0.1 / Math.sqrt(fanIn);
    return this.tensor(name, 'param', [n], (r) => r.range(-b, b));
  }

  /** A value with the given data (an int8 weight, a folded float weight). */
  constant(name: string, role: 'param' | 'buffer' | 'const', shape: number[], data: Float32Array | Int8Array): number {
    if (data.length !== numel(shape)) this.fail(`${data.length} values for shape [${shape}]`, name);
    return this.add({ name, role, dtype: data instanceof Int8Array ? 'int8' : 'float32', shape, data });
  }

  /** A node whose output shape the caller computed (for graphs derived from another graph). */
  node(op: ZooOp, inputs: number[], shape: Dim[], name: string, dtype: ZooDType = 'float32'): number {
    const dyn = shape.indexOf('T');
    const sizes = shape.map((d) => (d === 'T' ? this.seq?.bound ?? this.fail('no dynamic dimension declared', name) : d));
    const out = this.add({ name, role: 'act', dtype, shape: sizes, data: null, dyn });
    this.nodes.push({ op, inputs, output: out });
    return out;
  }

  conv2d(
    x: number, o: { name: string; out: number; kernel: [number, number]; stride?: number | [number, number]; padding?: [number, number]; groups?: number; bias?: boolean },
  ): number {
    const [n, c, h, w] = this.shape(x) as [number, number, number, number];
    const groups = o.groups ?? 1;
    const stride: [number, number] = typeof o.stride === 'number' ? [o.stride, o.stride] : o.stride ?? [1, 1];
    const padding = o.padding ?? [Math.floor((o.kernel[0] - 1) / 2), Math.floor((o.kernel[1] - 1) / 2)];
    if (c % groups !== 0 || o.out % groups !== 0) this.fail(`${c} -> ${o.out} channels do not split into ${groups} groups`, o.name);
    const fanIn = (c / groups) * o.kernel[0] * o.kernel[1];
    const wv = this.weight(`${o.name}.weight`, [o.out, c / groups, ...o.kernel], fanIn);
    const inputs = [x, wv];
    if (o.bias === true) inputs.push(this.bias(`${o.name}.bias`, o.out, fanIn));
    const oh = Math.floor((h + 2 * padding[0] - o.kernel[0]) / stride[0]) + 1;
    const ow = Math.floor((w + 2 * padding[1] - o.kernel[1]) / stride[1]) + 1;
    return this.node({ op: 'conv2d', stride, padding, dilation: [1, 1], groups }, inputs, [n, o.out, oh, ow], o.name);
  }

  /**
   * Eval-mode batch norm. The statistics keep activations bounded: gamma in
   * [gammaLo, gammaHi], beta small, running mean near 0, running var near 1.
   */
  batchNorm(x: number, name: string, gamma: [number, number] = [0.5, 0.9]): number {
    const c = this.shape(x)[1]!;
    const inputs = [
      this.tensor(`${name}.weight`, 'param', [c], (r) => r.range(gamma[0], gamma[1])),
      this.tensor(`${name}.bias`, 'param', [c], (r) => r.range(-0.1, 0.1)),
      this.tensor(`${name}.running_mean`, 'buffer', [c], (r) => r.range(-0.1, 0.1)),
      this.tensor(`${name}.running_var`, 'buffer', [c], (r) => r.range(0.8, 1.2)),
    ];
    return this.node({ op: 'batchnorm', eps: 1e-5 }, [x, ...inputs], this.shape(x), name);
  }

  unary(op: 'relu' | 'relu6' | 'hardswish' | 'hardsigmoid' | 'sigmoid' | 'tanh', x: number, name: string = op): number {
    return this.node({ op }, [x], this.dims(x), name);
  }

  private broadcast(a: number, b: number, where: string): Dim[] {
    const sa = this.dims(a);
    const sb = this.dims(b);
    const rank = Math.max(sa.length, sb.length);
    return Array.from({ length: rank }, (_, i) => {
      const x = sa[sa.length - rank + i] ?? 1;
      const y = sb[sb.length - rank + i] ?? 1;
      if (x !== y && x !== 1 && y !== 1) this.fail(`shapes [${sa}] and [${sb}] do not broadcast`, where);
      return x === 1 ? y : x;
    });
  }

  sub(a: number, b: number, name = 'sub'): number {
    return this.node({ op: 'sub' }, [a, b], this.broadcast(a, b, name), name);
  }

  addScalar(x: number, value: number, name = 'add_scalar'): number {
    return this.node({ op: 'addScalar', value }, [x], this.dims(x), name);
  }

  rsqrt(x: number, name = 'rsqrt'): number {
    return this.node({ op: 'rsqrt' }, [x], this.dims(x), name);
  }

  meanLast(x: number, name = 'mean'): number {
    const d = this.dims(x);
    d[d.length - 1] = 1;
    return this.node({ op: 'meanLast' }, [x], d, name);
  }

  embedding(weight: number, indices: number, name = 'embedding'): number {
    return this.node({ op: 'embedding' }, [weight, indices], [...this.dims(indices), this.shape(weight)[1]!], name);
  }

  index0(table: number, index: number, name = 'index'): number {
    return this.node({ op: 'index0' }, [table, index], [...this.dims(index), ...this.dims(table).slice(1)], name);
  }

  indexPut2(state: number, positions: number, values: number, name = 'index_put'): number {
    return this.node({ op: 'indexPut2' }, [state, positions, values], this.dims(state), name);
  }

  expand(x: number, shape: number[], name = 'expand'): number {
    return this.node({ op: 'expand', shape }, [x], shape, name);
  }

  add2(a: number, b: number, name = 'add'): number {
    return this.node({ op: 'add' }, [a, b], this.broadcast(a, b, name), name);
  }

  mul(a: number, b: number, name = 'mul'): number {
    return this.node({ op: 'mul' }, [a, b], this.broadcast(a, b, name), name);
  }

  mulScalar(x: number, value: number, name = 'mul_scalar'): number {
    return this.node({ op: 'mulScalar', value }, [x], this.dims(x), name);
  }

  /** x [M, K] times a new weight [out, K] (+ bias). */
  linear(x: number, out: number, name: string, o: { bias?: boolean; gain?: number } = {}): number {
    const [m, k] = this.dims(x) as [Dim, number];
    if (this.shape(x).length !== 2) this.fail(`linear needs a 2-D input, got [${this.shape(x)}]`, name);
    const inputs = [x, this.weight(`${name}.weight`, [out, k], k, o.gain ?? Math.SQRT1_2)];
    if (o.bias !== false) inputs.push(this.bias(`${name}.bias`, out, k));
    return this.node({ op: 'linear' }, inputs, [m, out], name);
  }

  /** x [M, K] times an existing weight [out, K] (+ bias): for weights shared by several calls. */
  linearWith(x: number, weight: number, bias: number | null, name: string): number {
    const inputs = bias === null ? [x, weight] : [x, weight, bias];
    return this.node({ op: 'linear' }, inputs, [this.dims(x)[0]!, this.shape(weight)[0]!], name);
  }

  bmm(a: number, b: number, name = 'bmm'): number {
    const [ba, m, k] = this.dims(a) as [Dim, Dim, Dim];
    const [bb, k2, n] = this.dims(b) as [Dim, Dim, Dim];
    if (ba !== bb || k !== k2) this.fail(`bmm of [${this.dims(a)}] and [${this.dims(b)}]`, name);
    return this.node({ op: 'bmm' }, [a, b], [ba, m, n], name);
  }

  /** Global average pool over H and W, keeping them as size 1. */
  meanHW(x: number, name = 'mean'): number {
    const [n, c] = this.shape(x) as [number, number];
    return this.node({ op: 'meanHW' }, [x], [n, c, 1, 1], name);
  }

  maxPool(x: number, kernel: number, stride: number, padding: number, name = 'maxpool'): number {
    const [n, c, h, w] = this.shape(x) as [number, number, number, number];
    const o = (d: number): number => Math.floor((d + 2 * padding - kernel) / stride) + 1;
    const op: ZooOp = { op: 'maxpool', kernel: [kernel, kernel], stride: [stride, stride], padding: [padding, padding] };
    return this.node(op, [x], [n, c, o(h), o(w)], name);
  }

  reshape(x: number, shape: Dim[], name = 'view'): number {
    const bound = (d: Dim): number => (d === 'T' ? this.seq?.bound ?? 0 : d);
    if (numel(shape.map(bound)) !== numel(this.shape(x))) this.fail(`cannot view [${this.dims(x)}] as [${shape}]`, name);
    return this.node({ op: 'reshape', shape }, [x], shape, name);
  }

  permute(x: number, dims: number[], name = 'permute'): number {
    const s = this.dims(x);
    return this.node({ op: 'permute', dims }, [x], dims.map((d) => s[d]!), name);
  }

  softmax(x: number, dim: number, name = 'softmax'): number {
    return this.node({ op: 'softmax', dim: norm(dim, this.shape(x).length) }, [x], this.dims(x), name);
  }

  /** Layer norm over the last dimension, with new weight and bias. */
  layerNorm(x: number, name: string): number {
    const d = this.shape(x).at(-1)!;
    const w = this.tensor(`${name}.weight`, 'param', [d], (r) => r.range(0.8, 1.2));
    const b = this.tensor(`${name}.bias`, 'param', [d], (r) => r.range(-0.1, 0.1));
    return this.node({ op: 'layernorm', eps: 1e-5 }, [x, w, b], this.dims(x), name);
  }

  select(x: number, dim: number, index: number, name = 'select'): number {
    const s = this.dims(x);
    const d = norm(dim, s.length);
    return this.node({ op: 'select', dim: d, index }, [x], s.filter((_, i) => i !== d), name);
  }

  cat(xs: number[], dim: number, name = 'cat'): number {
    const s = this.dims(xs[0]!);
    const d = norm(dim, s.length);
    if (s[d] === 'T') this.fail('cannot concatenate along the dynamic dimension', name);
    s[d] = xs.reduce((a, x) => a + this.shape(x)[d]!, 0);
    return this.node({ op: 'cat', dim: d }, xs, s, name);
  }

  unsqueeze(x: number, dim: number, name = 'unsqueeze'): number {
    const s = this.dims(x);
    s.splice(norm(dim, s.length + 1), 0, 1);
    return this.node({ op: 'unsqueeze', dim: norm(dim, s.length) }, [x], s, name);
  }

  slice(x: number, dim: number, start: number, end: number, name = 'slice'): number {
    const s = this.dims(x);
    const d = norm(dim, s.length);
    s[d] = end - start;
    return this.node({ op: 'slice', dim: d, start, end }, [x], s, name);
  }

  quantize(x: number, scale: number, zeroPoint: number, name = 'quantize'): number {
    return this.node({ op: 'quantize', scale, zeroPoint }, [x], this.dims(x), name, 'int8');
  }

  dequantize(x: number, scale: number, zeroPoint: number, name = 'dequantize'): number {
    return this.node({ op: 'dequantize', scale, zeroPoint }, [x], this.dims(x), name);
  }
}
