/**
 * Operator-suite cases of the elementwise family (sub/rsub, div and its
 * rounding modes, relu, hardtanh, clamp with Scalar and Tensor bounds, the
 * float-only unary math, neg, pow.Tensor_Scalar, quantized_decomposed
 * quantize/dequantize per tensor): every registered dtype gets an edge-value
 * case (NaN, ±inf, -0, the float max; integer limits; false/true) and a
 * channels-last case; binary ops get broadcast cases; float32 adds the
 * promotion, attribute, empty, 0-d and large corners.
 */
import type { DType } from '../../../dtype.js';
import { tensor, type CaseArg, type CaseOut, type CaseTag, type CaseTensor, type OpCase, type OpSuite } from '../case.js';
import { CL, DTYPES, edge, edgeData, F32, FLOAT_MAX, INT_LIMITS, numel, o, SHORT, t } from './common.js';

const ALL: DType[] = DTYPES;
const NO_BOOL = ALL.filter((d) => d !== 'bool');
const FLOATS: DType[] = ['float16', 'bfloat16', 'float32', 'float64'];
const isFloat = (d: DType): boolean => FLOATS.includes(d);

/**
 * Nonzero divisors for integer division (uint8 has no negatives). Six of them, so that against
 * edgeData's six-value pool the minimum always meets 3: INT_MIN / -1 traps (SIGFPE) in ATen and
 * ExecuTorch for int32/int64 (ours wraps), which would take the ExecuTorch cross-check down.
 */
function divisors(d: DType, n: number): (number | bigint)[] {
  const pool = d === 'uint8' ? [3, 1, 7, 2, 255, 4] : d === 'int64' ? [3n, -1n, 7n, -2n, 5n, 4n] : [3, -1, 7, -2, 5, 4];
  return Array.from({ length: n }, (_, i) => pool[i % pool.length]!);
}

const ranged = (d: DType, shape: number[], range: [number, number], dimOrder?: number[]): CaseTensor =>
  tensor(d, shape, dimOrder ? { range, dimOrder } : { range });
/** The dtype a float-only op returns for input d. */
const fl = (d: DType): DType => (isFloat(d) ? d : 'float32');
/** A non-default float out per quantized dtype (dequantize's out_dtype). */
const OUT_OF: Partial<Record<DType, DType>> = { int8: 'float16', int16: 'float64', int32: 'bfloat16' };

/** A case (args may hold `undefined` where object spreads leave one out; it is dropped). */
type Make = (d: DType) => { name: string; covers: CaseTag[]; args: Record<string, CaseArg | undefined>; out: CaseOut; only?: DType[]; rtol?: number }[];

const defined = (args: Record<string, CaseArg | undefined>): Record<string, CaseArg> =>
  Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined)) as Record<string, CaseArg>;

function suite(op: string, dtypes: DType[], allows: OpSuite['allows'], make: Make): OpSuite {
  const cases: OpCase[] = dtypes.flatMap((d) => make(d)
    .filter((c) => c.only === undefined || c.only.includes(d))
    .map((c) => ({ name: `${SHORT[d]}_${c.name}`, dtype: d, covers: c.covers, args: defined(c.args), outs: { out: c.out }, ...(c.rtol === undefined ? {} : { rtol: c.rtol }) })));
  return { op, allows, cases };
}

const BINARY = { broadcast: true, dimOrder: true, edge: true };
const UNARY = { broadcast: false, dimOrder: true, edge: true };
/** 0-d and 1-d outputs have a single dim order. */
const NO_LAYOUT = { broadcast: false, dimOrder: false, edge: true };

/** A float-only unary op: edge, channels-last, and the float32 corners. */
const floatUnary = (op: string): OpSuite => suite(op, ALL, UNARY, (d) => [
  { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]) }, out: o(fl(d), [2, 5]) },
  { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 3, 2, 2], CL) }, out: o(fl(d), [1, 3, 2, 2], CL) },
  { name: 'to_float64', covers: ['attr'], args: { self: t(d, [4]) }, out: o('float64', [4]), only: ['int32', 'float32'], rtol: 1e-6 },
  { name: 'zero_dim', covers: ['size1'], args: { self: t(d, []) }, out: o(d, []), only: F32 },
  { name: 'empty', covers: ['empty'], args: { self: t(d, [0, 3]) }, out: o(d, [0, 3]), only: F32 },
  { name: 'large', covers: ['large'], args: { self: ranged(d, [256, 256], [-4, 4]) }, out: o(d, [256, 256]), only: F32 },
]);

export const ELEM_SUITES: OpSuite[] = [
  suite('aten::sub.out', NO_BOOL, BINARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 6]), other: t(d, [2, 6]) }, out: o(d, [2, 6]) },
    { name: 'edge_other', covers: ['edge', 'broadcast'], args: { self: t(d, [3, 4]), other: edge(d, [4]) }, out: o(d, [3, 4]) },
    { name: 'broadcast_alpha', covers: ['broadcast', 'attr'], args: { self: t(d, [2, 1, 3]), other: t(d, [4, 1]), alpha: 2 }, out: o(d, [2, 4, 3]) },
    { name: 'channels_last', covers: ['dim_order', 'broadcast'], args: { self: t(d, [1, 3, 2, 2], CL), other: t(d, [3, 1, 1]) }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'float_alpha', covers: ['attr'], args: { self: t(d, [5]), other: t(d, [5]), alpha: 0.5 }, out: o(d, [5]), only: FLOATS },
    { name: 'promote_int', covers: ['attr'], args: { self: t('int32', [2, 3]), other: t(d, [3]) }, out: o(d, [2, 3]), only: F32 },
    { name: 'zero_dim_other', covers: ['size1'], args: { self: t(d, [2, 3]), other: t('float64', []) }, out: o(d, [2, 3]), only: F32 },
    { name: 'empty', covers: ['empty'], args: { self: t(d, [0, 3]), other: t(d, [3]) }, out: o(d, [0, 3]), only: F32 },
    { name: 'large', covers: ['large'], args: { self: t(d, [256, 256]), other: t(d, [256]) }, out: o(d, [256, 256]), only: F32 },
  ]),
  suite('aten::sub.Scalar_out', NO_BOOL, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]), other: 3 }, out: o(d, [2, 5]) },
    { name: 'channels_last', covers: ['dim_order', 'attr'], args: { self: t(d, [1, 3, 2, 2], CL), other: 2, alpha: 3 }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'float_scalar', covers: ['attr'], args: { self: t(d, [6]), other: 2.5 }, out: o(d, [6]), only: FLOATS },
    { name: 'int_promotes', covers: ['attr'], args: { self: t('int64', [6]), other: 0.25 }, out: o(d, [6]), only: F32 },
  ]),
  suite('aten::rsub.Scalar_out', NO_BOOL, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]), other: 1 }, out: o(d, [2, 5]) },
    { name: 'channels_last', covers: ['dim_order', 'attr'], args: { self: t(d, [1, 3, 2, 2], CL), other: 5, alpha: 2 }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'float_scalar', covers: ['attr'], args: { self: t(d, [6]), other: 1.5 }, out: o(d, [6]), only: FLOATS },
  ]),
  suite('aten::div.out', ALL, BINARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 6]), other: t(d, [2, 6]) }, out: o(fl(d), [2, 6]) },
    { name: 'edge_divisor', covers: ['edge', 'broadcast'], args: { self: t(d, [3, 6]), other: edge(d, [6]) }, out: o(fl(d), [3, 6]) },
    { name: 'channels_last', covers: ['dim_order', 'broadcast'], args: { self: t(d, [1, 3, 2, 2], CL), other: t(d, [3, 1, 1]) }, out: o(fl(d), [1, 3, 2, 2], CL) },
    { name: 'single_divisor', covers: ['broadcast', 'size1'], args: { self: t(d, [9]), other: tensor('float32', [], { data: [0.3] }) }, out: o(fl(d), [9]), only: ['float16', 'bfloat16'] },
    { name: 'to_float64', covers: ['attr'], args: { self: t(d, [4]), other: t(d, [4]) }, out: o('float64', [4]), only: ['int32', 'float32'], rtol: 1e-6 },
    { name: 'large', covers: ['large'], args: { self: t(d, [256, 256]), other: t(d, [256, 1]) }, out: o(d, [256, 256]), only: F32 },
  ]),
  suite('aten::div.out_mode', NO_BOOL, BINARY, (d) => [
    { name: 'trunc_edge', covers: ['edge', 'attr'], args: { self: edge(d, [2, 5]), other: tensor(d, [2, 5], { data: isFloat(d) ? [3, -2, 0.5, 7, -0, 2, -3, 1.5, 4, -0.75] : divisors(d, 10) }), rounding_mode: 'trunc' }, out: o(d, [2, 5]) },
    { name: 'floor_edge', covers: ['edge', 'attr'], args: { self: edge(d, [2, 5]), other: tensor(d, [2, 5], { data: isFloat(d) ? [3, -2, 0.5, 7, -0, 2, -3, 1.5, 4, -0.75] : divisors(d, 10) }), rounding_mode: 'floor' }, out: o(d, [2, 5]) },
    { name: 'floor_broadcast', covers: ['broadcast'], args: { self: ranged(d, [3, 4], [-100, 100]), other: tensor(d, [4], { data: isFloat(d) ? [3, -2.5, 7, -0.5] : divisors(d, 4) }), rounding_mode: 'floor' }, out: o(d, [3, 4]) },
    { name: 'trunc_channels_last', covers: ['dim_order'], args: { self: ranged(d, [1, 3, 2, 2], [-100, 100], CL), other: tensor(d, [3, 1, 1], { data: divisors(d, 3) }), rounding_mode: 'trunc' }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'none', covers: ['attr'], args: { self: t(d, [5]), other: t(d, [5]), rounding_mode: null }, out: o(fl(d), [5]), only: ['int32', 'float32'] },
  ]),
  suite('aten::div.Scalar_out', ALL, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]), other: 3 }, out: o(fl(d), [2, 5]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 3, 2, 2], CL), other: 6 }, out: o(fl(d), [1, 3, 2, 2], CL) },
    { name: 'float_divisor', covers: ['attr'], args: { self: t(d, [7]), other: 0.1 }, out: o(fl(d), [7]) },
    { name: 'zero_divisor', covers: ['attr'], args: { self: edge(d, [6]), other: 0 }, out: o(fl(d), [6]), only: ['int32', 'float32'] },
  ]),
  suite('aten::relu.out', NO_BOOL, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]) }, out: o(d, [2, 5]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 3, 2, 2], CL) }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'to_float32', covers: ['attr'], args: { self: t(d, [6]) }, out: o('float32', [6]), only: ['int16', 'float16'] },
    { name: 'large', covers: ['large'], args: { self: t(d, [256, 256]) }, out: o(d, [256, 256]), only: F32 },
  ]),
  suite('aten::hardtanh.out', NO_BOOL, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]), ...(d === 'uint8' ? { min_val: 0, max_val: 1 } : {}) }, out: o(d, [2, 5]) },
    { name: 'relu6_channels_last', covers: ['dim_order', 'attr'], args: { self: ranged(d, [1, 3, 2, 2], isFloat(d) ? [-3, 9] : [-5, 10], CL), min_val: 0, max_val: 6 }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'float_bounds', covers: ['attr'], args: { self: ranged(d, [8], [-3, 3]), min_val: -1.5, max_val: 2.5 }, out: o(d, [8]), only: ['int32', 'float32', 'float16'] },
  ]),
  suite('aten::clamp.out', NO_BOOL, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]), min: d === 'uint8' ? 1 : -1, max: 5 }, out: o(d, [2, 5]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 3, 2, 2], CL), min: isFloat(d) ? -0.5 : 0, max: isFloat(d) ? 0.75 : 50 }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'min_only', covers: ['attr'], args: { self: t(d, [8]), min: 0, max: null }, out: o(d, [8]) },
    { name: 'max_only', covers: ['attr'], args: { self: t(d, [8]), min: null, max: 6 }, out: o(d, [8]) },
    { name: 'min_above_max', covers: ['attr'], args: { self: t(d, [6]), min: 3, max: 1 }, out: o(d, [6]), only: ['int8', 'float32'] },
    { name: 'float_bound_promotes', covers: ['attr'], args: { self: ranged(d, [6], [-5, 5]), min: -2.5, max: 2.5 }, out: o('float32', [6]), only: ['int32', 'int64', 'float32'] },
  ]),
  suite('aten::clamp.Tensor_out', ALL, BINARY, (d) => d === 'bool' ? [
    // bool takes one bound only (ATen's maximum / minimum: or / and).
    { name: 'edge_min', covers: ['edge', 'broadcast'], args: { self: edge(d, [2, 4]), min: edge(d, [4]), max: null }, out: o(d, [2, 4]) },
    { name: 'channels_last_max', covers: ['dim_order'], args: { self: t(d, [1, 3, 2, 2], CL), min: null, max: t(d, [3, 1, 1]) }, out: o(d, [1, 3, 2, 2], CL) },
  ] : [
    { name: 'edge', covers: ['edge', 'broadcast'], args: { self: edge(d, [2, 5]), min: ranged(d, [5], d === 'uint8' ? [0, 3] : [-3, 0]), max: ranged(d, [2, 1], [4, 9]) }, out: o(d, [2, 5]) },
    { name: 'edge_bounds', covers: ['edge'], args: { self: t(d, [2, 5]), min: edge(d, [2, 5]), max: null }, out: o(d, [2, 5]) },
    { name: 'channels_last', covers: ['dim_order', 'broadcast'], args: { self: t(d, [1, 3, 2, 2], CL), min: ranged(d, [3, 1, 1], [-50, 0]), max: ranged(d, [1, 1, 2], [0, 50]) }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'max_only_broadcast', covers: ['broadcast', 'attr'], args: { self: t(d, [3, 4]), min: null, max: t(d, [3, 1]) }, out: o(d, [3, 4]) },
    { name: 'nan_bound', covers: ['attr'], args: { self: t(d, [4]), min: tensor(d, [4], { data: [NaN, -1, 0, -0.5] }), max: tensor(d, [4], { data: [1, NaN, 1, 0.5] }) }, out: o(d, [4]), only: F32 },
    { name: 'promote', covers: ['attr'], args: { self: t('int32', [2, 3]), min: t(d, [3]), max: null }, out: o(d, [2, 3]), only: F32 },
  ]),
  floatUnary('aten::sigmoid.out'),
  floatUnary('aten::tanh.out'),
  floatUnary('aten::rsqrt.out'),
  floatUnary('aten::sqrt.out'),
  floatUnary('aten::exp.out'),
  suite('aten::neg.out', NO_BOOL, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]) }, out: o(d, [2, 5]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 3, 2, 2], CL) }, out: o(d, [1, 3, 2, 2], CL) },
  ]),
  suite('aten::pow.Tensor_Scalar_out', ALL, UNARY, (d) => [
    { name: 'edge_square', covers: ['edge'], args: { self: edge(d, [2, 5]), exponent: 2 }, out: o(d === 'bool' ? 'int64' : d, [2, 5]) },
    { name: 'channels_last_cube', covers: ['dim_order', 'attr'], args: { self: t(d, [1, 3, 2, 2], CL), exponent: 3 }, out: o(d === 'bool' ? 'int64' : d, [1, 3, 2, 2], CL) },
    { name: 'zero', covers: ['attr'], args: { self: edge(d, [5]), exponent: 0 }, out: o(d === 'bool' ? 'int64' : d, [5]) },
    { name: 'one_bool', covers: ['attr'], args: { self: t(d, [5]), exponent: true }, out: o(d, [5]), only: ['bool', 'int8', 'float32'] },
    { name: 'half', covers: ['edge', 'attr'], args: { self: edge(d, [2, 5]), exponent: 0.5 }, out: o(fl(d), [2, 5]), only: ['int32', ...FLOATS] },
    { name: 'rsqrt', covers: ['attr'], args: { self: ranged(d, [6], [0, 4]), exponent: -0.5 }, out: o(d, [6]), only: FLOATS },
    { name: 'reciprocal', covers: ['attr'], args: { self: t(d, [6]), exponent: -1 }, out: o(d, [6]), only: FLOATS },
    { name: 'inverse_square', covers: ['attr'], args: { self: t(d, [6]), exponent: -2 }, out: o(d, [6]), only: FLOATS },
    { name: 'general', covers: ['attr'], args: { self: ranged(d, [6], [0, 3]), exponent: 2.5 }, out: o(fl(d), [6]), only: ['int16', ...FLOATS] },
  ]),
  suite('quantized_decomposed::quantize_per_tensor.out', ['float32', 'float16', 'bfloat16'], UNARY, (d) => [
    { name: 'edge_i8', covers: ['edge'], args: { input: edge(d, [2, 5]), scale: 0.05, zero_point: 3, quant_min: -128, quant_max: 127, dtype: 'int8' }, out: o('int8', [2, 5]) },
    { name: 'edge_u8', covers: ['edge'], args: { input: edge(d, [2, 5]), scale: 0.02, zero_point: 128, quant_min: 0, quant_max: 255, dtype: 'uint8' }, out: o('uint8', [2, 5]) },
    { name: 'channels_last_i8', covers: ['dim_order'], args: { input: ranged(d, [1, 3, 2, 2], [-4, 4], CL), scale: 0.03, zero_point: -5, quant_min: -128, quant_max: 127, dtype: 'int8' }, out: o('int8', [1, 3, 2, 2], CL) },
    { name: 'ties_i16', covers: ['attr'], args: { input: tensor(d, [6], { data: [0.5, 1.5, 2.5, -0.5, -1.5, 1000] }), scale: 1, zero_point: 0, quant_min: -32768, quant_max: 32767, dtype: 'int16' }, out: o('int16', [6]) },
    { name: 'narrow_range_i32', covers: ['attr'], args: { input: ranged(d, [8], [-10, 10]), scale: 0.01, zero_point: 7, quant_min: -500, quant_max: 500, dtype: 'int32' }, out: o('int32', [8]) },
  ]),
  suite('quantized_decomposed::dequantize_per_tensor.out', ['uint8', 'int8', 'int16', 'int32'], UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { input: edge(d, [2, 3]), scale: 0.1, zero_point: 2, quant_min: Number(INT_LIMITS[d]![0]), quant_max: Number(INT_LIMITS[d]![1]), dtype: d, out_dtype: null }, out: o('float32', [2, 3]) },
    { name: 'channels_last', covers: ['dim_order'], args: { input: t(d, [1, 3, 2, 2], CL), scale: 0.025, zero_point: -3, quant_min: Number(INT_LIMITS[d]![0]), quant_max: Number(INT_LIMITS[d]![1]), dtype: d, out_dtype: null }, out: o('float32', [1, 3, 2, 2], CL) },
    { name: 'out_dtype', covers: ['attr'], args: { input: edge(d, [6]), scale: 0.3, zero_point: 1, quant_min: Number(INT_LIMITS[d]![0]), quant_max: Number(INT_LIMITS[d]![1]), dtype: d, out_dtype: d === 'int8' ? 'float16' : d === 'uint8' ? 'bfloat16' : 'float64' }, out: o(d === 'int8' ? 'float16' : d === 'uint8' ? 'bfloat16' : 'float64', [6]) },
  ]),
  ...(['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const).flatMap((c) => [
    suite(`aten::${c}.Tensor_out`, ALL, BINARY, (d) => [
      { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]), other: edge(d, [2, 5]) }, out: o('bool', [2, 5]) },
      { name: 'edge_broadcast', covers: ['edge', 'broadcast'], args: { self: edge(d, [3, 4]), other: ranged(d, [4], [-2, 2]) }, out: o('bool', [3, 4]) },
      { name: 'channels_last', covers: ['dim_order', 'broadcast'], args: { self: t(d, [1, 3, 2, 2], CL), other: t(d, [3, 1, 1]) }, out: o('bool', [1, 3, 2, 2], CL) },
      { name: 'promote_to_float_out', covers: ['attr'], args: { self: t(d, [6]), other: t('float64', [6]) }, out: o('float32', [6]), only: ['int32', 'float16'] },
    ]),
    suite(`aten::${c}.Scalar_out`, ALL, UNARY, (d) => [
      { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]), other: d === 'bool' ? true : 0 }, out: o('bool', [2, 5]) },
      { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 3, 2, 2], CL), other: 0.25 }, out: o('bool', [1, 3, 2, 2], CL) },
      { name: 'int_out', covers: ['attr'], args: { self: t(d, [6]), other: -3 }, out: o('int32', [6]), only: ['int8', 'float32'] },
    ]),
  ]),
  suite('aten::where.self_out', ALL, BINARY, (d) => [
    { name: 'edge', covers: ['edge', 'broadcast'], args: { condition: edge('bool', [2, 5]), self: edge(d, [2, 5]), other: t(d, [5]) }, out: o(d, [2, 5]) },
    { name: 'channels_last', covers: ['dim_order', 'broadcast'], args: { condition: t('bool', [1, 1, 2, 2]), self: t(d, [1, 3, 2, 2], CL), other: t(d, [3, 1, 1]) }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'promote', covers: ['attr'], args: { condition: t('bool', [4]), self: t(d, [4]), other: t('float64', []) }, out: o(d === 'float64' ? d : isFloat(d) ? d : 'float32', [4]), only: ['int16', 'float32'] },
  ]),
  ...(['minimum', 'maximum'] as const).map((m) => suite(`aten::${m}.out`, ALL, BINARY, (d) => [
    { name: 'edge', covers: ['edge', 'broadcast'], args: { self: edge(d, [2, 5]), other: ranged(d, [5], [-2, 2]) }, out: o(d, [2, 5]) },
    { name: 'edge_other', covers: ['edge'], args: { self: t(d, [2, 5]), other: edge(d, [2, 5]) }, out: o(d, [2, 5]) },
    { name: 'channels_last', covers: ['dim_order', 'broadcast'], args: { self: t(d, [1, 3, 2, 2], CL), other: t(d, [3, 1, 1]) }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'promote', covers: ['attr'], args: { self: t('int32', [4]), other: t(d, [4]) }, out: o(d, [4]), only: F32 },
  ])),
  suite('aten::logical_not.out', ALL, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]) }, out: o('bool', [2, 5]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 3, 2, 2], CL) }, out: o('bool', [1, 3, 2, 2], CL) },
    { name: 'same_dtype_out', covers: ['attr'], args: { self: edge(d, [6]) }, out: o(d, [6]) },
  ]),
  suite('aten::gelu.out', FLOATS, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]) }, out: o(d, [2, 5]) },
    { name: 'edge_tanh', covers: ['edge', 'attr'], args: { self: edge(d, [2, 5]), approximate: 'tanh' }, out: o(d, [2, 5]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: ranged(d, [1, 3, 2, 2], [-4, 4], CL) }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'tanh_range', covers: ['attr'], args: { self: ranged(d, [64], [-6, 6]), approximate: 'tanh' }, out: o(d, [64]) },
  ]),
  floatUnary('aten::cos.out'),
  floatUnary('aten::sin.out'),
  suite('aten::full.out', ALL, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { size: [2, 3], fill_value: d === 'bool' ? true : isFloat(d) ? -Infinity : INT_LIMITS[d]![0] }, out: o(d, [2, 3]) },
    { name: 'channels_last', covers: ['dim_order'], args: { size: [1, 3, 2, 2], fill_value: 1 }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'empty', covers: ['empty'], args: { size: [0, 4], fill_value: 7 }, out: o(d, [0, 4]), only: F32 },
  ]),
  suite('aten::full_like.out', ALL, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 3]), fill_value: d === 'bool' ? false : INT_LIMITS[d]?.[1] ?? -1.5, memory_format: null }, out: o(d, [2, 3]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 3, 2, 2], CL), fill_value: 3, memory_format: null }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'other_dtype', covers: ['attr'], args: { self: t('int8', [4]), fill_value: 2, memory_format: null }, out: o(d, [4]), only: F32 },
  ]),
  suite('aten::scalar_tensor.out', ALL, NO_LAYOUT, (d) => [
    { name: 'edge', covers: ['edge', 'size1'], args: { s: d === 'bool' ? true : INT_LIMITS[d]?.[0] ?? -Infinity }, out: o(d, []) },
    { name: 'float', covers: ['attr'], args: { s: d === 'bool' ? false : 2.75 }, out: o(d, []) },
  ]),
  suite('aten::arange.out', NO_BOOL, NO_LAYOUT, (d) => [
    { name: 'edge', covers: ['edge'], args: { end: d === 'uint8' ? 255 : d === 'int8' ? 127 : 100 }, out: o(d, [d === 'uint8' ? 255 : d === 'int8' ? 127 : 100]) },
    { name: 'one', covers: ['size1'], args: { end: 1 }, out: o(d, [1]) },
  ]),
  suite('aten::arange.start_out', NO_BOOL, NO_LAYOUT, (d) => [
    { name: 'edge', covers: ['edge', 'attr'], args: { start: d === 'uint8' ? 250 : -5, end: d === 'uint8' ? 0 : 20, step: d === 'uint8' ? -3 : 3 }, out: o(d, [d === 'uint8' ? 84 : 9]) },
    { name: 'fractional', covers: ['attr'], args: { start: -1, end: 1, step: 0.25 }, out: o(d, [8]), only: FLOATS },
    { name: 'empty', covers: ['empty'], args: { start: 3, end: 3, step: 1 }, out: o(d, [0]), only: F32 },
  ]),
  suite('aten::_to_copy.out', ALL, UNARY, (d) => [
    { name: 'edge_same', covers: ['edge'], args: { self: edge(d, [2, 5]), non_blocking: false, memory_format: null }, out: o(d, [2, 5]) },
    { name: 'to_channels_last_f32', covers: ['dim_order'], args: { self: t(d, [1, 3, 2, 2]), non_blocking: false, memory_format: 2 }, out: o('float32', [1, 3, 2, 2], CL) },
    { name: 'to_i32', covers: ['attr'], args: { self: ranged(d, [6], [-50, 50]), non_blocking: false, memory_format: null }, out: o('int32', [6]) },
    { name: 'to_bool', covers: ['attr'], args: { self: edge(d, [6]), non_blocking: false, memory_format: null }, out: o('bool', [6]) },
  ]),
  suite('aten::clone.out', ALL, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]), memory_format: null }, out: o(d, [2, 5]) },
    { name: 'to_channels_last', covers: ['dim_order'], args: { self: t(d, [1, 3, 2, 2]), memory_format: 2 }, out: o(d, [1, 3, 2, 2], CL) },
  ]),
  suite('aten::any.all_out', ALL, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]) }, out: o('bool', []) },
    { name: 'zeros_channels_last', covers: ['dim_order'], args: { self: tensor(d, [1, 2, 2, 2], { data: new Array(8).fill(0), dimOrder: CL }) }, out: o('bool', []) },
    { name: 'empty', covers: ['empty'], args: { self: t(d, [0, 3]) }, out: o('bool', []), only: F32 },
    { name: 'uint8_out', covers: ['attr'], args: { self: edge(d, [4]) }, out: o('uint8', []), only: ['uint8', 'float32'] },
  ]),
  suite('aten::any.out', ALL, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: tensor(d, [3, 4], { data: [...edgeData(d, 4), ...new Array(4).fill(d === 'int64' ? 0n : 0), ...edgeData(d, 4).reverse()] }), dim: 1, keepdim: false }, out: o('bool', [3]) },
    { name: 'channels_last_keepdim', covers: ['dim_order', 'attr'], args: { self: tensor(d, [1, 3, 2, 2], { range: [0, 1], dimOrder: CL }), dim: 1, keepdim: true }, out: o('bool', [1, 1, 2, 2], CL) },
    { name: 'negative_dim', covers: ['attr'], args: { self: ranged(d, [2, 3], [0, 1]), dim: -2, keepdim: false }, out: o('bool', [3]), only: F32 },
  ]),
  suite('aten::any.dims_out', ALL, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 3, 2]), dim: [0, 2], keepdim: false }, out: o('bool', [3]) },
    { name: 'channels_last', covers: ['dim_order', 'attr'], args: { self: tensor(d, [1, 3, 2, 2], { range: [0, 1], dimOrder: CL }), dim: [2, 3], keepdim: true }, out: o('bool', [1, 3, 1, 1], CL) },
    { name: 'all_dims', covers: ['attr'], args: { self: t(d, [2, 3]), dim: null, keepdim: true }, out: o('bool', [1, 1]), only: F32 },
  ]),
  suite('aten::abs.out', NO_BOOL, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]) }, out: o(d, [2, 5]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 3, 2, 2], CL) }, out: o(d, [1, 3, 2, 2], CL) },
  ]),
  floatUnary('aten::reciprocal.out'),
  floatUnary('aten::log.out'),
  floatUnary('aten::erf.out'),
  ...(['floor', 'round'] as const).map((f) => suite(`aten::${f}.out`, NO_BOOL, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]) }, out: o(d, [2, 5]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: ranged(d, [1, 3, 2, 2], [-5, 5], CL) }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'halves', covers: ['attr'], args: { self: tensor(d, [8], { data: [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49, -0.51] }) }, out: o(d, [8]), only: FLOATS },
  ])),
  suite('aten::leaky_relu.out', FLOATS, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]) }, out: o(d, [2, 5]) },
    { name: 'channels_last_slope', covers: ['dim_order', 'attr'], args: { self: t(d, [1, 3, 2, 2], CL), negative_slope: 0.2 }, out: o(d, [1, 3, 2, 2], CL) },
  ]),
  suite('aten::elu.out', FLOATS, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]) }, out: o(d, [2, 5]) },
    { name: 'channels_last_coefficients', covers: ['dim_order', 'attr'], args: { self: ranged(d, [1, 3, 2, 2], [-3, 3], CL), alpha: 1.5, scale: 2, input_scale: 0.5 }, out: o(d, [1, 3, 2, 2], CL) },
  ]),
  ...(['silu', 'hardswish', 'hardsigmoid'] as const).map((f) => suite(`aten::${f}.out`, FLOATS, UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]) }, out: o(d, [2, 5]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: ranged(d, [1, 3, 2, 2], [-5, 5], CL) }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'large', covers: ['large'], args: { self: ranged(d, [256, 256], [-8, 8]) }, out: o(d, [256, 256]), only: F32 },
  ])),
  suite('aten::bitwise_and.Tensor_out', ['uint8', 'int8', 'int16', 'int32', 'int64', 'bool'], BINARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 6]), other: edge(d, [2, 6]) }, out: o(d, [2, 6]) },
    { name: 'edge_broadcast', covers: ['edge', 'broadcast'], args: { self: edge(d, [3, 6]), other: t(d, [6]) }, out: o(d, [3, 6]) },
    { name: 'channels_last', covers: ['dim_order', 'broadcast'], args: { self: t(d, [1, 3, 2, 2], CL), other: t(d, [3, 1, 1]) }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'promote', covers: ['attr'], args: { self: t(d, [4]), other: t('int64', [4]) }, out: o('int64', [4]), only: ['int8', 'bool'] },
  ]),
  suite('aten::pow.Tensor_Tensor_out', NO_BOOL, BINARY, (d) => [
    { name: 'edge', covers: ['edge', 'broadcast'], args: { self: edge(d, [2, 6]), exponent: tensor(d, [6], { data: isFloat(d) ? [2, 0.5, -1, 3, 0, 1.5] : divisors(d, 6).map((v) => (typeof v === 'bigint' ? (v < 0n ? -v : v) : Math.abs(v) % 5)) }) }, out: o(d, [2, 6]) },
    { name: 'edge_exponent', covers: ['edge'], args: { self: ranged(d, [2, 5], [0, 3]), exponent: edge(d, [2, 5]) }, out: o(d, [2, 5]) },
    { name: 'channels_last', covers: ['dim_order', 'broadcast'], args: { self: ranged(d, [1, 3, 2, 2], [0, 4], CL), exponent: ranged(d, [3, 1, 1], [0, 3]) }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'negative_int_exponent', covers: ['attr'], args: { self: tensor(d, [4], { data: [1, -1, 2, -3] }), exponent: tensor(d, [4], { data: [-3, -3, -1, -2] }) }, out: o(d, [4]), only: ['int32'] },
    { name: 'promote', covers: ['attr'], args: { self: ranged('int32', [4], [0, 5]), exponent: ranged(d, [4], [0, 2]) }, out: o(d, [4]), only: F32 },
  ]),
  suite('quantized_decomposed::quantize_per_channel.out', ['float32', 'float16', 'bfloat16'], UNARY, (d) => [
    { name: 'edge_axis1_i8', covers: ['edge'], args: { input: edge(d, [2, 3, 2]), scales: tensor('float64', [3], { data: [0.05, 0.1, 0.02] }), zero_points: tensor('int64', [3], { data: [0n, 3n, -7n] }), axis: 1, quant_min: -128, quant_max: 127, dtype: 'int8' }, out: o('int8', [2, 3, 2]) },
    { name: 'channels_last_u8', covers: ['dim_order'], args: { input: ranged(d, [1, 3, 2, 2], [-2, 2], CL), scales: tensor('float64', [3], { data: [0.01, 0.02, 0.03] }), zero_points: tensor('int64', [3], { data: [128n, 100n, 50n] }), axis: 1, quant_min: 0, quant_max: 255, dtype: 'uint8' }, out: o('uint8', [1, 3, 2, 2], CL) },
    { name: 'axis0_f32_scales_i16', covers: ['attr'], args: { input: ranged(d, [4, 3], [-50, 50]), scales: tensor('float32', [4], { data: [0.5, 0.25, 1, 0.125] }), zero_points: tensor('int32', [4], { data: [0, 1, -1, 2] }), axis: 0, quant_min: -32768, quant_max: 32767, dtype: 'int16' }, out: o('int16', [4, 3]) },
    { name: 'last_axis_i32', covers: ['attr'], args: { input: ranged(d, [2, 4], [-10, 10]), scales: tensor('float64', [4], { data: [0.001, 0.002, 0.004, 0.008] }), zero_points: tensor('int64', [4], { data: [0n, 0n, 0n, 0n] }), axis: -1, quant_min: -100000, quant_max: 100000, dtype: 'int32' }, out: o('int32', [2, 4]) },
  ]),
  suite('quantized_decomposed::dequantize_per_channel.out', ['uint8', 'int8', 'int16', 'int32'], UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { input: edge(d, [3, 2]), scales: tensor('float64', [3], { data: [0.1, 0.05, 0.3] }), zero_points: tensor('int64', [3], { data: [2n, 0n, -3n] }), axis: 0, quant_min: Number(INT_LIMITS[d]![0]), quant_max: Number(INT_LIMITS[d]![1]), dtype: d, out_dtype: null }, out: o('float32', [3, 2]) },
    { name: 'channels_last', covers: ['dim_order'], args: { input: t(d, [1, 3, 2, 2], CL), scales: tensor('float32', [3], { data: [0.025, 0.5, 0.125] }), zero_points: tensor('int32', [3], { data: [1, -2, 0] }), axis: 1, quant_min: Number(INT_LIMITS[d]![0]), quant_max: Number(INT_LIMITS[d]![1]), dtype: d, out_dtype: null }, out: o('float32', [1, 3, 2, 2], CL) },
    { name: 'no_zero_points_f64', covers: ['attr'], args: { input: t(d, [2, 3]), scales: tensor('float64', [3], { data: [0.3, 0.7, 0.1] }), zero_points: null, axis: -1, quant_min: Number(INT_LIMITS[d]![0]), quant_max: Number(INT_LIMITS[d]![1]), dtype: d, out_dtype: 'float64' }, out: o('float64', [2, 3]) },
    { name: 'half_out', covers: ['attr'], args: { input: t(d, [2, 2]), scales: tensor('float32', [2], { data: [0.1, 0.2] }), zero_points: tensor('int64', [2], { data: [0n, 1n] }), axis: 0, quant_min: Number(INT_LIMITS[d]![0]), quant_max: Number(INT_LIMITS[d]![1]), dtype: d, out_dtype: d === 'int8' ? 'bfloat16' : 'float16' }, out: o(d === 'int8' ? 'bfloat16' : 'float16', [2, 2]) },
  ]),
  suite('quantized_decomposed::quantize_per_tensor.Tensor_out', ['float32', 'float16'], UNARY, (d) => [
    { name: 'edge_i8', covers: ['edge'], args: { input: ranged(d, [2, 5], [-8, 8]), scale: tensor('float64', [1], { data: [0.05] }), zero_point: tensor('int64', [1], { data: [3n] }), quant_min: -128, quant_max: 127, dtype: 'int8' }, out: o('int8', [2, 5]) },
    { name: 'channels_last_u8', covers: ['dim_order'], args: { input: ranged(d, [1, 3, 2, 2], [-2, 2], CL), scale: tensor('float32', [], { data: [0.02] }), zero_point: tensor('int32', [], { data: [128] }), quant_min: 0, quant_max: 255, dtype: 'uint8' }, out: o('uint8', [1, 3, 2, 2], CL) },
    { name: 'i16_i32', covers: ['attr'], args: { input: ranged(d, [6], [-100, 100]), scale: tensor('float64', [1], { data: [0.5] }), zero_point: tensor('int64', [1], { data: [-7n] }), quant_min: -32768, quant_max: 32767, dtype: 'int16' }, out: o('int16', [6]), only: F32 },
    { name: 'bf16_in_i32', covers: ['attr'], args: { input: ranged('bfloat16', [6], [-100, 100]), scale: tensor('float64', [1], { data: [0.25] }), zero_point: tensor('int64', [1], { data: [0n] }), quant_min: -1000, quant_max: 1000, dtype: 'int32' }, out: o('int32', [6]), only: F32 },
  ]),
  suite('quantized_decomposed::dequantize_per_tensor.Tensor_out', ['uint8', 'int8', 'int16', 'int32'], UNARY, (d) => [
    { name: 'edge', covers: ['edge'], args: { input: edge(d, [2, 3]), scale: tensor('float64', [1], { data: [0.1] }), zero_point: tensor('int64', [1], { data: [2n] }), quant_min: Number(INT_LIMITS[d]![0]), quant_max: Number(INT_LIMITS[d]![1]), dtype: d, out_dtype: null }, out: o('float32', [2, 3]) },
    { name: 'channels_last', covers: ['dim_order'], args: { input: t(d, [1, 3, 2, 2], CL), scale: tensor('float32', [], { data: [0.025] }), zero_point: tensor('int32', [], { data: [-3] }), quant_min: Number(INT_LIMITS[d]![0]), quant_max: Number(INT_LIMITS[d]![1]), dtype: d, out_dtype: null }, out: o('float32', [1, 3, 2, 2], CL) },
    { name: 'out_f64_f16', covers: ['attr'], args: { input: t(d, [4]), scale: tensor('float64', [1], { data: [0.3] }), zero_point: tensor('int64', [1], { data: [1n] }), quant_min: Number(INT_LIMITS[d]![0]), quant_max: Number(INT_LIMITS[d]![1]), dtype: d, out_dtype: OUT_OF[d] }, out: o(OUT_OF[d]!, [4]), only: ['int8', 'int16', 'int32'] },
  ]),
];
