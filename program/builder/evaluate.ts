/**
 * Reference results for ElementwiseGraph programs, with the arithmetic of the
 * portable kernels: float32 math rounds every operation to float32
 * (Math.fround), int32 wraps, int64 uses BigInt. Used to fill the expected
 * outputs of bundled test cases.
 */
import { numel, tensorDataFromNumbers, type DType, type TensorData } from '../dtype.js';
import { ProgramFormatError } from '../errors.js';
import { constantData, resolveGraph, type ElementwiseGraph, type ResolvedTensor } from './graph.js';

type Values = number[] | bigint[];

function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1]! * shape[i + 1]!;
  return out;
}

/** Index into a (contiguous, broadcast) operand for the output element at `coords`. */
function broadcastIndex(coords: readonly number[], shape: readonly number[]): number {
  const offset = coords.length - shape.length;
  const st = strides(shape);
  let idx = 0;
  shape.forEach((d, i) => {
    if (d !== 1) idx += coords[i + offset]! * st[i]!;
  });
  return idx;
}

function binary(
  a: Values, aShape: number[], b: Values, bShape: number[], outShape: number[], f: (x: number | bigint, y: number | bigint) => number | bigint,
): Values {
  const n = numel(outShape);
  const st = strides(outShape);
  const out: (number | bigint)[] = new Array(n);
  const coords = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let rest = i;
    st.forEach((s, d) => {
      coords[d] = Math.floor(rest / s);
      rest %= s;
    });
    out[i] = f(a[broadcastIndex(coords, aShape)]!, b[broadcastIndex(coords, bShape)]!);
  }
  return out as Values;
}

function arithmetic(dtype: DType): { add: (x: number | bigint, y: number | bigint, alpha: number) => number | bigint; mul: (x: number | bigint, y: number | bigint) => number | bigint } {
  switch (dtype) {
    case 'float32':
      return { add: (x, y, alpha) => Math.fround(Number(x) + Math.fround(alpha * Number(y))), mul: (x, y) => Math.fround(Number(x) * Number(y)) };
    case 'float64':
      return { add: (x, y, alpha) => Number(x) + alpha * Number(y), mul: (x, y) => Number(x) * Number(y) };
    case 'int32':
      return { add: (x, y, alpha) => (Number(x) + Math.imul(alpha, Number(y))) | 0, mul: (x, y) => Math.imul(Number(x), Number(y)) };
    case 'int64':
      return {
        add: (x, y, alpha) => BigInt.asIntN(64, BigInt(x) + BigInt(alpha) * BigInt(y)),
        mul: (x, y) => BigInt.asIntN(64, BigInt(x) * BigInt(y)),
      };
    default:
      throw new ProgramFormatError(`the reference evaluator does not support ${dtype}`, { field: 'dtype' });
  }
}

/** Logical (contiguous) element order → physical order given by dimOrder. */
function toPhysical(values: Values, t: ResolvedTensor): Values {
  if (t.dimOrder.every((d, i) => d === i)) return values;
  const logical = strides(t.shape);
  const physicalShape = t.dimOrder.map((d) => t.shape[d]!);
  const physical = strides(physicalShape);
  const out: (number | bigint)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let rest = i;
    let target = 0;
    logical.forEach((s, d) => {
      const c = Math.floor(rest / s);
      rest %= s;
      target += c * physical[t.dimOrder.indexOf(d)]!;
    });
    out[target] = values[i]!;
  }
  return out as Values;
}

/**
 * Runs `graph` on `inputs` (contiguous data keyed by input name) and returns the
 * outputs in graph.outputs order, each laid out in its own dim order.
 */
export function evaluateElementwise(graph: ElementwiseGraph, inputs: Record<string, TensorData>): TensorData[] {
  const tensors = resolveGraph(graph);
  const env = new Map<string, Values>();
  const asValues = (data: ArrayLike<number | bigint>): Values => Array.from(data) as Values;
  for (const t of graph.inputs) {
    const data = inputs[t.name];
    if (data === undefined || data.length !== numel(t.shape)) {
      throw new ProgramFormatError(`missing or wrongly sized data for input "${t.name}"`, { field: 'inputs' });
    }
    env.set(t.name, asValues(data));
  }
  for (const c of graph.constants) env.set(c.name, asValues(constantData(c)));
  for (const op of graph.ops) {
    const self = tensors.get(op.self)!;
    const out = tensors.get(op.out)!;
    if (op.op === 'clone') {
      env.set(op.out, env.get(op.self)!);
      continue;
    }
    const other = tensors.get(op.other)!;
    const math = arithmetic(out.dtype);
    const f = op.op === 'add' ? (x: number | bigint, y: number | bigint) => math.add(x, y, op.alpha ?? 1) : math.mul;
    env.set(op.out, binary(env.get(op.self)!, self.shape, env.get(op.other)!, other.shape, out.shape, f));
  }
  return graph.outputs.map((name) => {
    const t = tensors.get(name)!;
    const physical = toPhysical(env.get(name)!, t);
    if (t.dtype === 'int64') return BigInt64Array.from(physical as bigint[]);
    return tensorDataFromNumbers(t.dtype, physical as number[]);
  });
}
