/**
 * The ONNX twin of a zoo graph: the same nodes as ONNX operators (opset 17),
 * the same weights as initializers (bit-identical float32), input `x` and
 * outputs `y` (or `y0`, `y1`, ... for several).
 */
import { writeOnnx, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from '../onnx/index.js';
import { ZooError } from './errors.js';
import type { ZooGraph, ZooNode } from './graph.js';

export const ONNX_OPSET = 17;

const bytesOf = (a: Float32Array | Int8Array | BigInt64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

class Twin {
  readonly initializers: OnnxTensor[] = [];
  readonly nodes: OnnxNode[] = [];
  private readonly literals = new Map<string, string>();

  constructor(private readonly g: ZooGraph) {}

  name(v: number): string {
    const value = this.g.values[v]!;
    const out = this.g.outputs.indexOf(v);
    if (out >= 0) return this.g.outputs.length === 1 ? 'y' : `y${out}`;
    return value.role === 'act' ? `${value.name}#${v}` : value.name;
  }

  /** A small literal initializer (shared by every node that uses the same one). */
  literal(dtype: 'float32' | 'int8' | 'int64', dims: number[], values: number[]): string {
    const key = `${dtype}[${dims}]=${values.join(',')}`;
    let name = this.literals.get(key);
    if (name === undefined) {
      name = `const_${this.literals.size}`;
      const raw = dtype === 'float32' ? bytesOf(Float32Array.from(values))
        : dtype === 'int8' ? bytesOf(Int8Array.from(values))
        : bytesOf(BigInt64Array.from(values, (x) => BigInt(x)));
      this.initializers.push({ name, dtype, dims, raw });
      this.literals.set(key, name);
    }
    return name;
  }

  emit(opType: string, node: ZooNode, inputs: string[], attributes: OnnxNode['attributes'] = {}): void {
    this.nodes.push({ opType, name: `${this.g.values[node.output]!.name}#${node.output}`, inputs, outputs: [this.name(node.output)], attributes });
  }

  /** An intermediate node of a multi-node lowering; returns its output name. */
  step(opType: string, node: ZooNode, what: string, inputs: string[], attributes: OnnxNode['attributes'] = {}): string {
    const name = `${this.name(node.output)}/${what}`;
    this.nodes.push({ opType, name, inputs, outputs: [name], attributes });
    return name;
  }

  lower(node: ZooNode): void {
    const ins = node.inputs.map((v) => this.name(v));
    const rank = this.g.shape(node.inputs[0]!).length;
    const op = node.op;
    switch (op.op) {
      case 'conv2d': {
        const [, , kh, kw] = this.g.shape(node.inputs[1]!);
        return this.emit('Conv', node, ins, {
          kernel_shape: { ints: [kh!, kw!] }, strides: { ints: op.stride }, dilations: { ints: op.dilation },
          pads: { ints: [...op.padding, ...op.padding] }, group: { i: op.groups },
        });
      }
      case 'batchnorm': return this.emit('BatchNormalization', node, ins, { epsilon: { f: op.eps } });
      case 'layernorm': return this.emit('LayerNormalization', node, ins, { axis: { i: -1 }, epsilon: { f: op.eps } });
      case 'relu': return this.emit('Relu', node, ins);
      case 'relu6': return this.emit('Clip', node, [ins[0]!, this.literal('float32', [], [0]), this.literal('float32', [], [6])]);
      case 'hardswish': return this.emit('HardSwish', node, ins);
      case 'hardsigmoid': return this.emit('HardSigmoid', node, ins, { alpha: { f: 1 / 6 }, beta: { f: 0.5 } });
      case 'sigmoid': return this.emit('Sigmoid', node, ins);
      case 'tanh': return this.emit('Tanh', node, ins);
      case 'add': return this.emit('Add', node, ins);
      case 'mul': return this.emit('Mul', node, ins);
      case 'mulScalar': return this.emit('Mul', node, [ins[0]!, this.literal('float32', [], [op.value])]);
      case 'linear': return this.emit('Gemm', node, ins, { transB: { i: 1 } });
      case 'bmm': return this.emit('MatMul', node, ins);
      case 'meanHW': return this.emit('ReduceMean', node, ins, { axes: { ints: [rank - 1, rank - 2] }, keepdims: { i: 1 } });
      case 'maxpool':
        return this.emit('MaxPool', node, ins, { kernel_shape: { ints: op.kernel }, strides: { ints: op.stride }, pads: { ints: [...op.padding, ...op.padding] } });
      case 'reshape': {
        const shape = op.shape.map((d) => (d === 'T' ? -1 : d));
        return this.emit('Reshape', node, [ins[0]!, this.literal('int64', [shape.length], shape)]);
      }
      case 'expand': return this.emit('Expand', node, [ins[0]!, this.literal('int64', [op.shape.length], op.shape)]);
      case 'sub': return this.emit('Sub', node, ins);
      case 'addScalar': return this.emit('Add', node, [ins[0]!, this.literal('float32', [], [op.value])]);
      case 'rsqrt': return this.emit('Reciprocal', node, [this.step('Sqrt', node, 'sqrt', ins)]);
      case 'meanLast': return this.emit('ReduceMean', node, ins, { axes: { ints: [-1] }, keepdims: { i: 1 } });
      case 'embedding':
      case 'index0': return this.emit('Gather', node, ins, { axis: { i: 0 } });
      case 'indexPut2': {
        // state[:, :, positions] = values as ScatterND on the state with axis 2 moved first.
        const perm = { perm: { ints: [2, 0, 1, 3] } };
        const data = this.step('Transpose', node, 'state', [ins[0]!], perm);
        const updates = this.step('Transpose', node, 'values', [ins[2]!], perm);
        const indices = this.step('Unsqueeze', node, 'indices', [ins[1]!, this.literal('int64', [1], [1])]);
        const scattered = this.step('ScatterND', node, 'scatter', [data, indices, updates]);
        return this.emit('Transpose', node, [scattered], { perm: { ints: [1, 2, 0, 3] } });
      }
      case 'permute': return this.emit('Transpose', node, ins, { perm: { ints: op.dims } });
      case 'softmax': return this.emit('Softmax', node, ins, { axis: { i: op.dim } });
      case 'select': return this.emit('Gather', node, [ins[0]!, this.literal('int64', [], [op.index])], { axis: { i: op.dim } });
      case 'cat': return this.emit('Concat', node, ins, { axis: { i: op.dim } });
      case 'unsqueeze': return this.emit('Unsqueeze', node, [ins[0]!, this.literal('int64', [1], [op.dim])]);
      case 'slice':
        return this.emit('Slice', node, [ins[0]!, ...[op.start, op.end, op.dim].map((n) => this.literal('int64', [1], [n]))]);
      case 'quantize':
      case 'dequantize':
        return this.emit(op.op === 'quantize' ? 'QuantizeLinear' : 'DequantizeLinear', node, [
          ins[0]!, this.literal('float32', [], [op.scale]), this.literal('int8', [], [op.zeroPoint]),
        ]);
    }
  }
}

/** The ONNX model bytes of `g`. */
export function toOnnx(g: ZooGraph, docString = ''): Uint8Array {
  const twin = new Twin(g);
  for (const v of g.values) {
    if (v.data !== null && v.role !== 'state') twin.initializers.push({ name: twin.name(v.id), dtype: v.dtype, dims: v.shape, raw: bytesOf(v.data) });
  }
  for (const node of g.nodes) {
    try {
      twin.lower(node);
    } catch (cause) {
      throw new ZooError((cause as Error).message, `ONNX twin of '${g.name}', node '${g.values[node.output]!.name}'`, { cause });
    }
  }
  const info = (v: number, name = twin.name(v)): OnnxValueInfo => ({ name, dtype: g.values[v]!.dtype, shape: g.dims(v) });
  // Mutable state becomes an input (its value before the call) and an output (after it).
  const states = g.values.filter((v) => v.role === 'state');
  const finalWrite = (state: number): number => {
    let current = state;
    for (const n of g.nodes) if (n.op.op === 'indexPut2' && n.inputs[0] === current) current = n.output;
    return current;
  };
  const stateOutputs = states.map((s) => finalWrite(s.id));
  stateOutputs.forEach((v, i) => twin.nodes.push({ opType: 'Identity', name: `${states[i]!.name}.out`, inputs: [twin.name(v)], outputs: [`${states[i]!.name}.out`] }));
  return writeOnnx({
    name: g.name,
    opset: ONNX_OPSET,
    inputs: [...g.inputs.map((v) => info(v)), ...states.map((s) => info(s.id))],
    outputs: [...g.outputs.map((v) => info(v)), ...states.map((s) => info(s.id, `${s.name}.out`))],
    initializers: twin.initializers,
    nodes: twin.nodes,
    docString,
  });
}
