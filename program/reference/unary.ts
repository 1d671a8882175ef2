/**
 * Unary math of the elementwise family with ATen's semantics: the
 * float-only ops (sigmoid, tanh, exp, sqrt, rsqrt) promote integer and bool
 * inputs to float32, compute in float32 for float16/bfloat16 and round the
 * result to the common dtype, then cast safely to out; rsqrt is 1 / sqrt(x)
 * with two roundings (ATen computes it that way). neg keeps the dtype
 * (integers wrap; bool is refused) and out must have it.
 */
import { ReferenceOpError } from './errors.js';
import { checkOutCast, checkOutIs, floatType, mapBroadcast, roundCompute, roundIn, type Element } from './elementwise.js';
import { castElement } from './scalar-types.js';
import { tensorArg, type RefTensor, type RefValue } from './tensor.js';

type FloatFn = (x: number, round: (v: number) => number) => number;

/** A float-only unary op: f gets x in the common dtype and a rounding to its compute format. */
function floatUnary(args: readonly RefValue[], f: FloatFn): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const out = tensorArg(args, 1, 'out');
  const common = floatType(self.dtype);
  checkOutCast(common, out);
  return mapBroadcast([self], common, out, ([x]) => {
    const v = castElement(x!, self.dtype, common) as number;
    return roundIn(common, f(v, (r) => roundCompute(common, r)));
  });
}

// Each step rounds in the compute format: in float32, exp(88.8) already overflows, so sigmoid(-89) is 0.
export const sigmoidOut = (args: readonly RefValue[]): RefTensor => floatUnary(args, (x, r) => 1 / r(1 + r(Math.exp(-x))));
export const tanhOut = (args: readonly RefValue[]): RefTensor => floatUnary(args, (x) => Math.tanh(x));
export const expOut = (args: readonly RefValue[]): RefTensor => floatUnary(args, (x) => Math.exp(x));
export const sqrtOut = (args: readonly RefValue[]): RefTensor => floatUnary(args, (x) => Math.sqrt(x));
export const rsqrtOut = (args: readonly RefValue[]): RefTensor => floatUnary(args, (x, round) => 1 / round(Math.sqrt(x)));

export function negOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const out = tensorArg(args, 1, 'out');
  if (self.dtype === 'bool') throw new ReferenceOpError('negation, the `-` operator, on a bool tensor is not supported');
  checkOutIs(self.dtype, out);
  return mapBroadcast([self], self.dtype, out, ([x]) =>
    typeof x === 'bigint' ? castElement(-x, 'int64', 'int64') : castElement(-(x as number) as Element, self.dtype, self.dtype));
}
