/**
 * A tiny graph language for element-wise programs: named tensors flowing
 * through `aten::add.out`, `aten::mul.out` and `dim_order_ops::_clone_dim_order.out`.
 * Used by the starter suite and by tests; the model zoo replaces it later.
 */
import { tensorDataFromNumbers, type DType, type TensorData } from '../dtype.js';
import { ProgramFormatError } from '../errors.js';

export interface GraphTensor {
  name: string;
  dtype: DType;
  shape: number[];
}

export interface GraphConstant extends GraphTensor {
  /** Contiguous element values. */
  data: readonly number[] | TensorData;
}

export type GraphOp =
  /** out = self + alpha × other (alpha defaults to 1), numpy broadcasting. */
  | { op: 'add'; self: string; other: string; alpha?: number; out: string }
  /** out = self × other, numpy broadcasting. */
  | { op: 'mul'; self: string; other: string; out: string }
  /** out = copy of self, optionally into another dim order (e.g. [0,2,3,1] for channels-last). */
  | { op: 'clone'; self: string; dimOrder?: number[]; out: string };

export interface ElementwiseGraph {
  /** Method name; defaults to `forward`. */
  method?: string;
  inputs: GraphTensor[];
  constants: GraphConstant[];
  ops: GraphOp[];
  outputs: string[];
}

/** Shape and layout of every named tensor once the graph is resolved. */
export interface ResolvedTensor {
  dtype: DType;
  shape: number[];
  dimOrder: number[];
}

function isTensorData(data: GraphConstant['data']): data is TensorData {
  return ArrayBuffer.isView(data);
}

/** A constant's data as a typed array of its dtype (number lists are rounded to the dtype here). */
export function constantData(c: GraphConstant): TensorData {
  return isTensorData(c.data) ? c.data : tensorDataFromNumbers(c.dtype, c.data);
}

export function broadcastShapes(a: readonly number[], b: readonly number[], where: string): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new ProgramFormatError(`shapes [${a}] and [${b}] do not broadcast`, { field: where });
    }
    return x === 1 ? y : x;
  });
}

const contiguous = (rank: number): number[] => Array.from({ length: rank }, (_, i) => i);

/** Checks names, dtypes, broadcasting and dim orders; returns every tensor's resolved facts. */
export function resolveGraph(graph: ElementwiseGraph): Map<string, ResolvedTensor> {
  const tensors = new Map<string, ResolvedTensor>();
  const define = (name: string, t: ResolvedTensor, where: string): void => {
    if (tensors.has(name)) throw new ProgramFormatError(`tensor name "${name}" is defined twice`, { field: where });
    tensors.set(name, t);
  };
  const use = (name: string, where: string): ResolvedTensor => {
    const t = tensors.get(name);
    if (t === undefined) throw new ProgramFormatError(`unknown tensor "${name}"`, { field: where });
    return t;
  };
  graph.inputs.forEach((t, i) => define(t.name, { ...t, dimOrder: contiguous(t.shape.length) }, `inputs[${i}]`));
  graph.constants.forEach((t, i) => define(t.name, { ...t, dimOrder: contiguous(t.shape.length) }, `constants[${i}]`));
  graph.ops.forEach((op, i) => {
    const where = `ops[${i}]`;
    const self = use(op.self, `${where}.self`);
    if (op.op === 'clone') {
      const dimOrder = op.dimOrder ?? self.dimOrder;
      if (dimOrder.length !== self.shape.length) {
        throw new ProgramFormatError(`dim order [${dimOrder}] does not match rank ${self.shape.length}`, { field: where });
      }
      define(op.out, { dtype: self.dtype, shape: [...self.shape], dimOrder: [...dimOrder] }, `${where}.out`);
      return;
    }
    const other = use(op.other, `${where}.other`);
    if (self.dtype !== other.dtype) {
      throw new ProgramFormatError(`mixed dtypes ${self.dtype} and ${other.dtype} are not supported`, { field: where });
    }
    const shape = broadcastShapes(self.shape, other.shape, where);
    const sameOrder = (t: ResolvedTensor): boolean =>
      t.shape.length !== shape.length || t.dimOrder.join() === self.dimOrder.join();
    if (!sameOrder(other)) throw new ProgramFormatError('self and other must share a dim order', { field: where });
    define(op.out, { dtype: self.dtype, shape, dimOrder: shape.length === self.shape.length ? [...self.dimOrder] : contiguous(shape.length) }, `${where}.out`);
  });
  graph.outputs.forEach((name, i) => use(name, `outputs[${i}]`));
  return tensors;
}
