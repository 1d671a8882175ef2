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
import { ZooRng, fill } from './rng.js';

export type ZooDType = 'float32' | 'int8';

/** `param`: a trained parameter (counted); `buffer`: a batch-norm statistic; `const`: a literal of the model. */
export type ValueRole = 'input' | 'param' | 'buffer' | 'const' | 'act';

export interface ZooValue {
  id: number;
  name: string;
  role: ValueRole;
  dtype: ZooDType;
  shape: number[];
  /** Set for param, buffer and const values (Int8Array for int8). */
  data: Float32Array | Int8Array | null;
}

export type ZooOp =
  | { op: 'conv2d'; stride: [number, number]; padding: [number, number]; dilation: [number, number]; groups: number }
  | { op: 'batchnorm'; eps: number }
  | { op: 'relu' | 'relu6' | 'hardswish' | 'hardsigmoid' | 'sigmoid' | 'tanh' }
  | { op: 'add' | 'mul' | 'bmm' }
  | { op: 'mulScalar'; value: number }
  /** inputs [x (2-D), weight [out, in], bias?]: x @ weight^T + bias. */
  | { op: 'linear' }
  | { op: 'meanHW' }
  | { op: 'maxpool'; kernel: [number, number]; stride: [number, number]; padding: [number, number] }
  | { op: 'reshape'; shape: number[] }
  | { op: 'permute'; dims: number[] }
  | { op: 'softmax'; dim: number }
  | { op: 'layernorm'; eps: number }
  | { op: 'select'; dim: number; index: number }
  | { op: 'cat'; dim: number }
  | { op: 'unsqueeze'; dim: number }
  | { op: 'slice'; dim: number; start: number; end: number }
  /** float32 -> int8 and back, per tensor, range [-128, 127] (quantized_decomposed semantics). */
  | { op: 'quantize' | 'dequantize'; scale: number; zeroPoint: number };

export interface ZooNode {
  op: ZooOp;
  inputs: number[];
  output: number;
}

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const norm = (dim: number, rank: number): number => (dim < 0 ? dim + rank : dim);

export class ZooGraph {
  readonly values: ZooValue[] = [];
  readonly nodes: ZooNode[] = [];
  readonly inputs: number[] = [];
  readonly outputs: number[] = [];

  constructor(readonly name: string, readonly seed: number) {}

  private add(v: Omit<ZooValue, 'id'>): number {
    return this.values.push({ ...v, id: this.values.length }) - 1;
  }

  shape(v: number): number[] {
    return [...this.values[v]!.shape];
  }

  private fail(what: string, where: string): never {
    throw new ZooError(what, `model '${this.name}', ${where}`);
  }

  input(name: string, shape: number[]): number {
    const v = this.add({ name, role: 'input', dtype: 'float32', shape, data: null });
    this.inputs.push(v);
    return v;
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
  node(op: ZooOp, inputs: number[], shape: number[], name: string, dtype: ZooDType = 'float32'): number {
    const out = this.add({ name, role: 'act', dtype, shape, data: null });
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
    return this.node({ op }, [x], this.shape(x), name);
  }

  private broadcast(a: number, b: number, where: string): number[] {
    const sa = this.shape(a);
    const sb = this.shape(b);
    const rank = Math.max(sa.length, sb.length);
    return Array.from({ length: rank }, (_, i) => {
      const x = sa[sa.length - rank + i] ?? 1;
      const y = sb[sb.length - rank + i] ?? 1;
      if (x !== y && x !== 1 && y !== 1) this.fail(`shapes [${sa}] and [${sb}] do not broadcast`, where);
      return x === 1 ? y : x;
    });
  }

  add2(a: number, b: number, name = 'add'): number {
    return this.node({ op: 'add' }, [a, b], this.broadcast(a, b, name), name);
  }

  mul(a: number, b: number, name = 'mul'): number {
    return this.node({ op: 'mul' }, [a, b], this.broadcast(a, b, name), name);
  }

  mulScalar(x: number, value: number, name = 'mul_scalar'): number {
    return this.node({ op: 'mulScalar', value }, [x], this.shape(x), name);
  }

  /** x [M, K] times a new weight [out, K] (+ bias). */
  linear(x: number, out: number, name: string, o: { bias?: boolean; gain?: number } = {}): number {
    const [m, k] = this.shape(x) as [number, number];
    if (this.shape(x).length !== 2) this.fail(`linear needs a 2-D input, got [${this.shape(x)}]`, name);
    const inputs = [x, this.weight(`${name}.weight`, [out, k], k, o.gain ?? Math.SQRT1_2)];
    if (o.bias !== false) inputs.push(this.bias(`${name}.bias`, out, k));
    return this.node({ op: 'linear' }, inputs, [m, out], name);
  }

  /** x [M, K] times an existing weight [out, K] (+ bias): for weights shared by several calls. */
  linearWith(x: number, weight: number, bias: number | null, name: string): number {
    const inputs = bias === null ? [x, weight] : [x, weight, bias];
    return this.node({ op: 'linear' }, inputs, [this.shape(x)[0]!, this.shape(weight)[0]!], name);
  }

  bmm(a: number, b: number, name = 'bmm'): number {
    const [ba, m, k] = this.shape(a) as [number, number, number];
    const [bb, k2, n] = this.shape(b) as [number, number, number];
    if (ba !== bb || k !== k2) this.fail(`bmm of [${this.shape(a)}] and [${this.shape(b)}]`, name);
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

  reshape(x: number, shape: number[], name = 'view'): number {
    if (numel(shape) !== numel(this.shape(x))) this.fail(`cannot view [${this.shape(x)}] as [${shape}]`, name);
    return this.node({ op: 'reshape', shape }, [x], shape, name);
  }

  permute(x: number, dims: number[], name = 'permute'): number {
    const s = this.shape(x);
    return this.node({ op: 'permute', dims }, [x], dims.map((d) => s[d]!), name);
  }

  softmax(x: number, dim: number, name = 'softmax'): number {
    return this.node({ op: 'softmax', dim: norm(dim, this.shape(x).length) }, [x], this.shape(x), name);
  }

  /** Layer norm over the last dimension, with new weight and bias. */
  layerNorm(x: number, name: string): number {
    const d = this.shape(x).at(-1)!;
    const w = this.tensor(`${name}.weight`, 'param', [d], (r) => r.range(0.8, 1.2));
    const b = this.tensor(`${name}.bias`, 'param', [d], (r) => r.range(-0.1, 0.1));
    return this.node({ op: 'layernorm', eps: 1e-5 }, [x, w, b], this.shape(x), name);
  }

  select(x: number, dim: number, index: number, name = 'select'): number {
    const s = this.shape(x);
    const d = norm(dim, s.length);
    return this.node({ op: 'select', dim: d, index }, [x], s.filter((_, i) => i !== d), name);
  }

  cat(xs: number[], dim: number, name = 'cat'): number {
    const s = this.shape(xs[0]!);
    const d = norm(dim, s.length);
    s[d] = xs.reduce((a, x) => a + this.shape(x)[d]!, 0);
    return this.node({ op: 'cat', dim: d }, xs, s, name);
  }

  unsqueeze(x: number, dim: number, name = 'unsqueeze'): number {
    const s = this.shape(x);
    s.splice(norm(dim, s.length + 1), 0, 1);
    return this.node({ op: 'unsqueeze', dim: norm(dim, s.length) }, [x], s, name);
  }

  slice(x: number, dim: number, start: number, end: number, name = 'slice'): number {
    const s = this.shape(x);
    const d = norm(dim, s.length);
    s[d] = end - start;
    return this.node({ op: 'slice', dim: d, start, end }, [x], s, name);
  }

  quantize(x: number, scale: number, zeroPoint: number, name = 'quantize'): number {
    return this.node({ op: 'quantize', scale, zeroPoint }, [x], this.shape(x), name, 'int8');
  }

  dequantize(x: number, scale: number, zeroPoint: number, name = 'dequantize'): number {
    return this.node({ op: 'dequantize', scale, zeroPoint }, [x], this.shape(x), name);
  }
}
