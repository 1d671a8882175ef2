/**
 * Unary math of the elementwise family with ATen's semantics: the
 * float-only ops (sigmoid, tanh, exp, sqrt, rsqrt) promote integer and bool
 * inputs to float32, compute in float32 for float16/bfloat16 and round the
 * result to the common dtype, then cast safely to out; rsqrt is 1 / sqrt(x)
 * with two roundings (ATen computes it that way). neg keeps the dtype
 * (integers wrap; bool is refused) and out must have it.
 */
import { erf } from './erf.js';
import { ReferenceOpError } from './errors.js';
import { checkOutCast, checkOutIs, floatType, mapBroadcast, roundCompute, roundIn, type Element } from './elementwise.js';
import { castElement } from './scalar-types.js';
import { tensorArg, type RefTensor, type RefValue } from './tensor.js';
import { isFloating } from './scalar-types.js';

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
export const reciprocalOut = (args: readonly RefValue[]): RefTensor => floatUnary(args, (x) => 1 / x);
export const logOut = (args: readonly RefValue[]): RefTensor => floatUnary(args, (x) => Math.log(x));
export const erfOut = (args: readonly RefValue[]): RefTensor => floatUnary(args, (x) => erf(x));
export const cosOut = (args: readonly RefValue[]): RefTensor => floatUnary(args, (x) => Math.cos(x));
export const sinOut = (args: readonly RefValue[]): RefTensor => floatUnary(args, (x) => Math.sin(x));
export const rsqrtOut = (args: readonly RefValue[]): RefTensor => floatUnary(args, (x, round) => 1 / round(Math.sqrt(x)));

export function negOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const out = tensorArg(args, 1, 'out');
  if (self.dtype === 'bool') throw new ReferenceOpError('negation, the `-` operator, on a bool tensor is not supported');
  checkOutIs(self.dtype, out);
  return mapBroadcast([self], self.dtype, out, ([x]) =>
    typeof x === 'bigint' ? castElement(-x, 'int64', 'int64') : castElement(-(x as number) as Element, self.dtype, self.dtype));
}

/**
 * gelu, 'none': x·(1 + erf(x·√½))·0.5; 'tanh': 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), each
 * operation rounded in the compute format as ATen's kernel evaluates it. Floats only; out keeps
 * self's dtype.
 */
export function geluOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const approximate = args[1];
  const out = tensorArg(args, 2, 'out');
  if (!isFloating(self.dtype)) throw new ReferenceOpError(`"GeluKernelImpl" not implemented for '${self.dtype}'`);
  if (approximate !== 'none' && approximate !== 'tanh') throw new ReferenceOpError(`approximate argument must be either none or tanh.`);
  checkOutIs(self.dtype, out);
  if (approximate === 'tanh') {
    return floatUnary([self, out], (x, r) => {
      const beta = r(Math.SQRT2 * (2 / Math.sqrt(Math.PI)) * 0.5);
      const cube = r(r(x * x) * x);
      const inner = r(beta * r(x + r(r(0.044715) * cube)));
      return r(r(0.5 * x) * r(1 + r(Math.tanh(inner))));
    });
  }
  // Float32 and the half types take x·(1 + erf)·½ in that order (ATen's float kernel overflows at the
  // float max instead of returning it); float64 takes x·½·(1 + erf).
  const wide = self.dtype === 'float64';
  return floatUnary([self, out], (x, r) => {
    const e = r(1 + r(erf(r(x * r(Math.SQRT1_2)))));
    return wide ? r(r(x * 0.5) * e) : r(r(x * e) * 0.5);
  });
}

/** abs / floor / round: self's dtype (out must have it), bool refused, integers unchanged by floor and round. */
function sameDtype(args: readonly RefValue[], what: string, f: (x: number) => number, int: (x: Element) => Element): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const out = tensorArg(args, 1, 'out');
  if (self.dtype === 'bool') throw new ReferenceOpError(`"${what}" not implemented for 'Bool'`);
  checkOutIs(self.dtype, out);
  return mapBroadcast([self], self.dtype, out, ([x]) => (isFloating(self.dtype) ? f(x as number) : int(x!)));
}

/** nearbyint in the default rounding mode: half to even. */
function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f;
  const r = d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
  return r === 0 && (x < 0 || Object.is(x, -0)) ? -0 : r;
}

export const absOut = (args: readonly RefValue[]): RefTensor => {
  const dtype = tensorArg(args, 0, 'self').dtype;
  return sameDtype(args, 'abs', Math.abs, (x) => castElement(typeof x === 'bigint' ? (x < 0n ? -x : x) : Math.abs(x), 'int64', dtype));
};
export const floorOut = (args: readonly RefValue[]): RefTensor => sameDtype(args, 'floor', Math.floor, (x) => x);
export const roundOut = (args: readonly RefValue[]): RefTensor => sameDtype(args, 'round', roundHalfEven, (x) => x);
