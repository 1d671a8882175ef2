/**
 * Matrix products with ATen's semantics: mm ([M, K] @ [K, N]), bmm (per
 * batch), addmm (beta * self + alpha * mat1 @ mat2, self broadcast to
 * [M, N]; beta == 0 ignores self, NaN included) and linear (input @ weight^T
 * + bias). One dtype for all operands and out; floating types sum exactly in
 * float64 and round once, integer types (not bool) sum exactly and wrap.
 */
import type { DType } from '../dtype.js';
import { broadcastShapes } from './binary.js';
import { ReferenceOpError } from './errors.js';
import { asBigints, asNumbers, fin, finAll, mathDtype, sameDtype } from './linalg-common.js';
import { isFloating } from './scalar-types.js';
import { outOrder } from './shape.js';
import {
  makeTensor, optionalTensorArg, rowMajorStrides, scalarArg, tensorArg, type RefTensor, type RefValue, type Scalar,
} from './tensor.js';

type Num = number | bigint;

/** Row-major [B, M, N] products of a [B, M, K] and b [B, K, N] (flat data), exact per dtype. */
function products(dtype: DType, a: readonly Num[], b: readonly Num[], B: number, M: number, K: number, N: number): Num[] {
  const out: Num[] = [];
  const float = isFloating(dtype);
  for (let z = 0; z < B; z++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s: Num = float ? 0 : 0n;
        for (let k = 0; k < K; k++) {
          const x = a[(z * M + i) * K + k]!, y = b[(z * K + k) * N + j]!;
          s = float ? (s as number) + (x as number) * (y as number) : (s as bigint) + (x as bigint) * (y as bigint);
        }
        out.push(s);
      }
    }
  }
  return out;
}

const values = (t: RefTensor): Num[] => (isFloating(t.dtype) ? asNumbers(t) : asBigints(t));

function matmul(self: RefTensor, other: RefTensor, out: RefTensor, batched: boolean): RefTensor {
  mathDtype(self, 'self', true);
  sameDtype(self.dtype, { mat2: other, out });
  const rank = batched ? 3 : 2;
  if (self.shape.length !== rank || other.shape.length !== rank) throw new ReferenceOpError(`self and mat2 must have rank ${rank}`);
  const [B, M, K] = batched ? self.shape : [1, ...self.shape];
  const [B2, K2, N] = batched ? other.shape : [1, ...other.shape];
  if (B !== B2 || K !== K2) throw new ReferenceOpError(`shapes [${self.shape}] and [${other.shape}] cannot be multiplied`);
  const shape = batched ? [B!, M!, N!] : [M!, N!];
  return makeTensor(self.dtype, shape, finAll(self.dtype, products(self.dtype, values(self), values(other), B!, M!, K!, N!)), outOrder(out, rank));
}

export const mmOut = (args: readonly RefValue[]): RefTensor =>
  matmul(tensorArg(args, 0, 'self'), tensorArg(args, 1, 'mat2'), tensorArg(args, 2, 'out'), false);

export const bmmOut = (args: readonly RefValue[]): RefTensor =>
  matmul(tensorArg(args, 0, 'self'), tensorArg(args, 1, 'mat2'), tensorArg(args, 2, 'out'), true);

/** A Scalar as the compute type's value: floats as numbers, integers truncated to bigints. */
function scalarFor(s: Scalar, dtype: DType): Num {
  if (isFloating(dtype)) return Number(s);
  if (typeof s === 'number') return BigInt(Math.trunc(s));
  return typeof s === 'boolean' ? (s ? 1n : 0n) : s;
}

export function addmmOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const mat1 = tensorArg(args, 1, 'mat1');
  const mat2 = tensorArg(args, 2, 'mat2');
  const out = tensorArg(args, 5, 'out');
  mathDtype(mat1, 'mat1', true);
  sameDtype(mat1.dtype, { self, mat2, out });
  if (mat1.shape.length !== 2 || mat2.shape.length !== 2 || mat1.shape[1] !== mat2.shape[0]) {
    throw new ReferenceOpError(`mat1 [${mat1.shape}] and mat2 [${mat2.shape}] cannot be multiplied`);
  }
  const [M, K] = mat1.shape as [number, number];
  const N = mat2.shape[1]!;
  if (self.shape.length > 2 || broadcastShapes(self.shape, [M, N]).join() !== [M, N].join()) {
    throw new ReferenceOpError(`self [${self.shape}] does not broadcast to [${M}, ${N}]`);
  }
  const dtype = mat1.dtype;
  const beta = scalarFor(scalarArg(args, 3, 'beta'), dtype);
  const alpha = scalarFor(scalarArg(args, 4, 'alpha'), dtype);
  const p = products(dtype, values(mat1), values(mat2), 1, M, K, N);
  const sv = values(self);
  const ss = rowMajorStrides(self.shape);
  const pad = [...new Array<number>(2 - self.shape.length).fill(1), ...self.shape];
  const ps = [...new Array<number>(2 - self.shape.length).fill(0), ...ss];
  const selfAt = (i: number, j: number): Num => sv[(pad[0] === 1 ? 0 : i * ps[0]!) + (pad[1] === 1 ? 0 : j * ps[1]!)]!;
  const data = p.map((v, f) => {
    const i = Math.floor(f / N), j = f % N;
    if (typeof v === 'number') {
      const r = (alpha as number) * v;
      return beta === 0 ? r : r + (beta as number) * (selfAt(i, j) as number);
    }
    const r = (alpha as bigint) * v;
    return beta === 0n ? r : r + (beta as bigint) * (selfAt(i, j) as bigint);
  });
  return makeTensor(dtype, [M, N], finAll(dtype, data), outOrder(out, 2));
}

export function linearOut(args: readonly RefValue[]): RefTensor {
  const input = tensorArg(args, 0, 'input');
  const weight = tensorArg(args, 1, 'weight');
  const bias = optionalTensorArg(args, 2, 'bias');
  const out = tensorArg(args, 3, 'out');
  mathDtype(input, 'input', true);
  sameDtype(input.dtype, { weight, bias, out });
  const rank = input.shape.length;
  if (rank < 1 || weight.shape.length !== 2 || input.shape[rank - 1] !== weight.shape[1]) {
    throw new ReferenceOpError(`input [${input.shape}] and weight [${weight.shape}] do not fit`);
  }
  const [N, K] = weight.shape as [number, number];
  if (bias !== null && !(bias.shape.length === 0 || (bias.shape.length === 1 && (bias.shape[0] === N || bias.shape[0] === 1)))) {
    throw new ReferenceOpError(`bias [${bias.shape}] does not broadcast to [${N}]`);
  }
  const rows = input.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const x = values(input), w = values(weight);
  const wt: Num[] = [];  // weight transposed to [K, N]
  for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) wt.push(w[j * K + k]!);
  const p = products(input.dtype, x, wt, 1, rows, K, N);
  const bv = bias === null ? null : values(bias);
  const data = p.map((v, f) => {
    if (bv === null) return v;
    const b = bv[bv.length === 1 ? 0 : f % N]!;
    return typeof v === 'number' ? v + (b as number) : v + (b as bigint);
  });
  const shape = [...input.shape.slice(0, -1), N];
  return makeTensor(input.dtype, shape, data.map((v) => fin(input.dtype, v)) as number[] | bigint[], outOrder(out, shape.length));
}
