/**
 * A TypeScript reference for the element-wise programs the tests build: it
 * interprets the written program (a ProgramImage) with the portable kernels'
 * arithmetic — float32 rounds every operation (Math.fround), int32 wraps —
 * for aten::add.out, aten::mul.out, add.Scalar_out, mul.Scalar_out and
 * _clone_dim_order.out on contiguous tensors with NumPy broadcasting.
 */
import type { ProgramImage, TensorImage, ValueImage } from '../../program/index.js';

type Env = Map<number, number[]>;

const strides = (shape: readonly number[]): number[] => {
  const out = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1]! * shape[i + 1]!;
  return out;
};
const numel = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

function broadcast(a: number[], as: readonly number[], b: number[], bs: readonly number[], out: readonly number[], f: (x: number, y: number) => number): number[] {
  const st = strides(out);
  const index = (coords: number[], shape: readonly number[]): number => {
    const s = strides(shape);
    const off = coords.length - shape.length;
    return shape.reduce((acc, d, i) => acc + (d === 1 ? 0 : coords[i + off]! * s[i]!), 0);
  };
  return Array.from({ length: numel(out) }, (_, i) => {
    const coords = st.map((s, d) => Math.floor(i / s) % out[d]!);
    return f(a[index(coords, as)]!, b[index(coords, bs)]!);
  });
}

function scalar(v: ValueImage | undefined): number {
  if (v?.kind === 'Int') return Number(v.value);
  if (v?.kind === 'Double') return v.value;
  if (v?.kind === 'Bool') return v.value ? 1 : 0;
  throw new Error(`not a scalar: ${v?.kind}`);
}

function math(dtype: string): { add: (x: number, y: number, alpha: number) => number; mul: (x: number, y: number) => number; cast: (x: number) => number } {
  if (dtype === 'float32') {
    const f = Math.fround;
    return { add: (x, y, a) => f(x + f(f(a) * y)), mul: (x, y) => f(x * y), cast: f };
  }
  if (dtype === 'int32') return { add: (x, y, a) => (x + Math.imul(a, y)) | 0, mul: (x, y) => Math.imul(x, y), cast: (x) => x | 0 };
  throw new Error(`reference does not do ${dtype}`);
}

function constantValues(image: ProgramImage, t: TensorImage): number[] {
  const table = image.constantSegment!;
  const segment = image.segments[table.segmentIndex]!;
  const start = table.offsets[t.dataBufferIndex]!;
  const bytes = segment.slice(start, start + numel(t.shape) * 4);
  return [...(t.dtype === 'float32' ? new Float32Array(bytes.buffer) : new Int32Array(bytes.buffer))];
}

/**
 * Runs `method` of `image` on `inputs` (flat values per method input, in order)
 * and returns the outputs' flat values.
 */
export function evaluate(image: ProgramImage, method: string, inputs: readonly (readonly number[])[]): number[][] {
  const m = image.methods.find((x) => x.name === method);
  if (m === undefined) throw new Error(`no method ${method}`);
  const env: Env = new Map();
  const tensor = (v: number): TensorImage => {
    const value = m.values[v];
    if (value?.kind !== 'Tensor') throw new Error(`v${v} is not a tensor`);
    return value.tensor;
  };
  m.values.forEach((v, i) => {
    if (v.kind === 'Tensor' && v.tensor.dataBufferIndex > 0 && v.tensor.allocation === null) env.set(i, constantValues(image, v.tensor));
  });
  m.inputs.forEach((v, i) => env.set(v, [...inputs[i]!]));
  for (const instr of m.chains[0]!.instructions) {
    if (instr.kind !== 'KernelCall') throw new Error(`reference does not do ${instr.kind}`);
    const op = m.operators[instr.opIndex]!;
    const name = `${op.name}.${op.overload}`;
    const [self, other, ...rest] = instr.args;
    const out = instr.args[instr.args.length - 1]!;
    const o = tensor(out);
    const f = math(o.dtype);
    const read = (v: number): number[] => env.get(v) ?? (() => { throw new Error(`v${v} read before written`); })();
    let result: number[];
    switch (name) {
      case 'aten::add.out':
        result = broadcast(read(self!), tensor(self!).shape, read(other!), tensor(other!).shape, o.shape, (x, y) => f.add(x, y, scalar(m.values[rest[0]!])));
        break;
      case 'aten::mul.out':
        result = broadcast(read(self!), tensor(self!).shape, read(other!), tensor(other!).shape, o.shape, f.mul);
        break;
      case 'aten::add.Scalar_out': {
        const s = f.cast(scalar(m.values[other!]));
        result = read(self!).map((x) => f.add(x, s, scalar(m.values[rest[0]!])));
        break;
      }
      case 'aten::mul.Scalar_out': {
        const s = f.cast(scalar(m.values[other!]));
        result = read(self!).map((x) => f.mul(x, s));
        break;
      }
      case 'dim_order_ops::_clone_dim_order.out':
        result = [...read(self!)];
        break;
      default:
        throw new Error(`reference does not do ${name}`);
    }
    env.set(out, result);
  }
  return m.outputs.map((v) => env.get(v)!);
}
