/**
 * relu, hardtanh and clamp with ATen's semantics. relu is clamp_min(self, 0)
 * (bool refused; NaN and -0 pass through). hardtanh never promotes: integer
 * inputs take the bounds as integers (uint8 refuses negative ones), and out
 * has self's dtype. clamp with Scalar bounds promotes self with them
 * (result_type) and out must have that dtype; clamp with tensor bounds
 * broadcasts all three, promotes, and casts safely to out; a NaN tensor
 * bound gives NaN; bool is accepted with one tensor bound (ATen's maximum/minimum). Both compute min(max(x, lo), hi), so lo > hi gives hi and
 * a NaN x stays NaN. Bounds must convert to the compute dtype without
 * overflow (c10's checked Scalar conversion).
 */
import type { DType } from '../dtype.js';
import { ReferenceOpError } from './errors.js';
import { checkOutCast, checkOutIs, mapBroadcast, operand, roundCompute, roundIn, wrapped, type Element } from './elementwise.js';
import { scalarFits } from './indexing-scatter.js';
import { castElement, castScalar, isFloating, isIntegral, resultType } from './scalar-types.js';
import { optionalTensorArg, scalarArg, tensorArg, type RefTensor, type RefValue, type Scalar } from './tensor.js';

const isNan = (v: Element): boolean => typeof v === 'number' && Number.isNaN(v);
const clampLow = (x: Element, lo: Element): Element => (x < lo ? lo : x);
const clampHigh = (x: Element, hi: Element): Element => (hi < x ? hi : x);

function bound(s: Scalar, d: DType): Element {
  if (!scalarFits(d, s)) throw new ReferenceOpError(`value cannot be converted to type ${d} without overflow`);
  return castScalar(s, d);
}

export function reluOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const out = tensorArg(args, 1, 'out');
  if (self.dtype === 'bool') throw new ReferenceOpError('Boolean inputs not supported for relu');
  checkOutCast(self.dtype, out);
  const zero: Element = self.dtype === 'int64' ? 0n : 0;
  return mapBroadcast([self], self.dtype, out, ([x]) => clampLow(x!, zero));
}

export function hardtanhOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const out = tensorArg(args, 3, 'out');
  if (self.dtype === 'bool') throw new ReferenceOpError('Bool inputs not supported for hardtanh');
  let min = scalarArg(args, 1, 'min_val');
  let max = scalarArg(args, 2, 'max_val');
  if (isIntegral(self.dtype)) {
    // The legacy rule: integer inputs take the bounds truncated to integers, so they never promote.
    const toLong = (s: Scalar): bigint => (typeof s === 'number' ? BigInt(Math.trunc(s)) : BigInt(s));
    min = toLong(min);
    max = toLong(max);
    if (self.dtype === 'uint8' && (min < 0n || max < 0n)) throw new ReferenceOpError('cannot do hardtanh on an unsigned type with negative limits');
  }
  checkOutIs(self.dtype, out);
  const lo = bound(min, self.dtype);
  const hi = bound(max, self.dtype);
  return mapBroadcast([self], self.dtype, out, ([x]) => clampHigh(clampLow(x!, lo), hi));
}

export function clampOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const out = tensorArg(args, 3, 'out');
  const min = args[1] === null ? null : scalarArg(args, 1, 'min');
  const max = args[2] === null ? null : scalarArg(args, 2, 'max');
  if (min === null && max === null) throw new ReferenceOpError("torch.clamp: At least one of 'min' or 'max' must not be None");
  const common = resultType([operand(self), ...[min, max].filter((s) => s !== null).map((s) => wrapped(s!))]);
  if (common === 'bool') throw new ReferenceOpError('"clamp_scalar_cpu" not implemented for \'Bool\'');
  checkOutIs(common, out);
  const lo = min === null ? null : bound(min, common);
  const hi = max === null ? null : bound(max, common);
  return mapBroadcast([self], common, out, ([x]) => {
    let v = castElement(x!, self.dtype, common);
    if (lo !== null) v = clampLow(v, lo);
    if (hi !== null) v = clampHigh(v, hi);
    return v;
  });
}

export function clampTensorOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const min = optionalTensorArg(args, 1, 'min');
  const max = optionalTensorArg(args, 2, 'max');
  const out = tensorArg(args, 3, 'out');
  if (min === null && max === null) throw new ReferenceOpError("torch.clamp: At least one of 'min' or 'max' must not be None");
  const inputs = [self, ...(min ? [min] : []), ...(max ? [max] : [])];
  const common = resultType(inputs.map(operand));
  // One bound is ATen's maximum/minimum, which takes bool; both bounds go through clamp, which does not.
  if (common === 'bool' && min && max) throw new ReferenceOpError('"clamp_cpu" not implemented for \'Bool\'');
  checkOutCast(common, out);
  return mapBroadcast(inputs, common, out, (vals) => {
    const [x, a, b] = vals.map((v, k) => castElement(v, inputs[k]!.dtype, common));
    if (min && max) {
      if (isNan(a!) || isNan(b!)) return NaN;
      return clampHigh(clampLow(x!, a!), b!);
    }
    // ATen's maximum / minimum: NaN from either side wins.
    if (isNan(x!) || isNan(a!)) return NaN;
    return min ? clampLow(x!, a!) : clampHigh(x!, a!);
  });
}

/**
 * The float-only activations (leaky_relu, elu, silu, hardswish, hardsigmoid): out has self's
 * dtype; f gets x and a rounding to the compute format (float32 for the half types), and its
 * result is rounded to the dtype.
 */
function floatActivation(self: RefTensor, out: RefTensor, name: string, f: (x: number, r: (v: number) => number) => number): RefTensor {
  if (!isFloating(self.dtype)) throw new ReferenceOpError(`"${name}" not implemented for '${self.dtype}'`);
  checkOutIs(self.dtype, out);
  const r = (v: number): number => roundCompute(self.dtype, v);
  return mapBroadcast([self], self.dtype, out, ([x]) => roundIn(self.dtype, f(x as number, r)));
}

export function leakyReluOut(args: readonly RefValue[]): RefTensor {
  const slope = roundCompute(tensorArg(args, 0, 'self').dtype, Number(scalarArg(args, 1, 'negative_slope')));
  return floatActivation(tensorArg(args, 0, 'self'), tensorArg(args, 2, 'out'), 'leaky_relu', (x) => (x > 0 ? x : x * slope));
}

/** elu as ATen's kernel: x ≤ 0 ? expm1(x·input_scale)·(alpha·scale) : x·scale, coefficients in the compute format. */
export function eluOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const c = (i: number, name: string): number => roundCompute(self.dtype, Number(scalarArg(args, i, name)));
  const alpha = c(1, 'alpha');
  const scale = c(2, 'scale');
  const inputScale = c(3, 'input_scale');
  return floatActivation(self, tensorArg(args, 4, 'out'), 'elu', (x, r) => {
    const neg = r(alpha * scale);
    return x <= 0 ? r(r(Math.expm1(r(x * inputScale))) * neg) : x * scale;
  });
}

/** silu: x / (1 + e^-x), each step rounded in the compute format. */
export const siluOut = (args: readonly RefValue[]): RefTensor =>
  floatActivation(tensorArg(args, 0, 'self'), tensorArg(args, 1, 'out'), 'silu', (x, r) => x / r(1 + r(Math.exp(-x))));

const relu6 = (v: number): number => (6 < v ? 6 : v < 0 ? 0 : v);

/** hardswish: x · min(max(x + 3, 0), 6) / 6 (product rounded, then divided). */
export const hardswishOut = (args: readonly RefValue[]): RefTensor =>
  floatActivation(tensorArg(args, 0, 'self'), tensorArg(args, 1, 'out'), 'hardswish', (x, r) => r(x * relu6(r(x + 3))) / 6);

/** hardsigmoid: min(max(x + 3, 0), 6) / 6. */
export const hardsigmoidOut = (args: readonly RefValue[]): RefTensor =>
  floatActivation(tensorArg(args, 0, 'self'), tensorArg(args, 1, 'out'), 'hardsigmoid', (x, r) => relu6(r(x + 3)) / 6);
