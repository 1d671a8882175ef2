/**
 * Operator-suite cases of the first operators the runtime had: add and mul (tensor and scalar
 * overloads) and the two dim-order copies the exporter emits. Every dtype gets an edge case
 * (integer limits wrap as in ATen), a broadcast case and a channels-last case; float32 adds
 * alpha, type promotion, empty, 0-d and large cases.
 */
import type { DType } from '../../../dtype.js';
import { tensor, type CaseArg, type CaseTag, type OpSuite } from '../case.js';
import { CL, edge, F32, o, suite, t } from './common.js';

const FLOATS = new Set<DType>(['float16', 'bfloat16', 'float32', 'float64']);
/** A scalar of d's kind, as ATen keeps the tensor's dtype for it. */
const scalarFor = (d: DType): number | boolean => (d === 'bool' ? true : FLOATS.has(d) ? 2.5 : 3);

const ALL = { broadcast: true, dimOrder: true, edge: true };

/** Cases shared by add.out and mul.out (add passes alpha separately). */
function binaryTensorCases(d: DType, extra: Record<string, CaseArg>) {
  return [
    { name: 'edge', covers: ['edge'] as CaseTag[], args: { self: edge(d, [2, 5]), other: edge(d, [2, 5]), ...extra }, out: o(d, [2, 5]) },
    { name: 'broadcast', covers: ['broadcast'] as CaseTag[], args: { self: t(d, [3, 1, 4]), other: t(d, [2, 1]), ...extra }, out: o(d, [3, 2, 4]) },
    { name: 'channels_last', covers: ['dim_order'] as CaseTag[], args: { self: t(d, [1, 3, 2, 2], CL), other: t(d, [1, 3, 2, 2]), ...extra }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'promote', covers: ['attr'] as CaseTag[], args: { self: t('int32', [4]), other: t(d, [4]), ...extra }, out: o('float32', [4]), only: F32 },
    { name: 'empty', covers: ['empty'] as CaseTag[], args: { self: t(d, [0, 3]), other: t(d, [1, 3]), ...extra }, out: o(d, [0, 3]), only: F32 },
    { name: 'zero_dim', covers: ['size1'] as CaseTag[], args: { self: t(d, []), other: t(d, [2, 2]), ...extra }, out: o(d, [2, 2]), only: F32 },
    { name: 'large', covers: ['large'] as CaseTag[], args: { self: t(d, [256, 256]), other: t(d, [256]), ...extra }, out: o(d, [256, 256]), only: F32 },
  ];
}

function binaryScalarCases(d: DType, extra: Record<string, CaseArg>) {
  return [
    { name: 'edge', covers: ['edge'] as CaseTag[], args: { self: edge(d, [2, 5]), other: scalarFor(d), ...extra }, out: o(d, [2, 5]) },
    { name: 'channels_last', covers: ['dim_order'] as CaseTag[], args: { self: t(d, [1, 3, 2, 2], CL), other: scalarFor(d), ...extra }, out: o(d, [1, 3, 2, 2], CL) },
    // An expanded (stride-0 free) 0-d self against a scalar: the smallest broadcast there is.
    { name: 'zero_dim', covers: ['size1', 'broadcast'] as CaseTag[], args: { self: t(d, []), other: scalarFor(d), ...extra }, out: o(d, []) },
    { name: 'float_scalar', covers: ['attr'] as CaseTag[], args: { self: t('int32', [5]), other: 0.5, ...extra }, out: o('float32', [5]), only: F32 },
  ];
}

export const CORE_SUITES: OpSuite[] = [
  suite('aten::add.out', ALL, (d) => [
    ...binaryTensorCases(d, {}),
    { name: 'alpha', covers: ['attr'], args: { self: t(d, [6]), other: t(d, [6]), alpha: d === 'bool' ? true : 2 }, out: o(d, [6]) },
  ]),
  suite('aten::add.Scalar_out', ALL, (d) => [
    ...binaryScalarCases(d, {}),
    { name: 'alpha', covers: ['attr'], args: { self: t(d, [6]), other: scalarFor(d), alpha: d === 'bool' ? true : 2 }, out: o(d, [6]) },
  ]),
  suite('aten::mul.out', ALL, (d) => binaryTensorCases(d, {})),
  suite('aten::mul.Scalar_out', ALL, (d) => binaryScalarCases(d, {})),
  suite('dim_order_ops::_clone_dim_order.out', { broadcast: false, dimOrder: true, edge: true }, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]), dim_order: null }, out: o(d, [2, 5]) },
    { name: 'to_channels_last', covers: ['dim_order'], args: { self: t(d, [1, 3, 2, 2]), dim_order: CL }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'from_channels_last', covers: ['dim_order'], args: { self: t(d, [1, 3, 2, 2], CL), dim_order: [0, 1, 2, 3] }, out: o(d, [1, 3, 2, 2]) },
    { name: 'empty', covers: ['empty'], args: { self: t(d, [0, 4]), dim_order: null }, out: o(d, [0, 4]), only: F32 },
  ]),
  suite('dim_order_ops::_to_dim_order_copy.out', { broadcast: false, dimOrder: true, edge: true }, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 5]), dim_order: null }, out: o(d, [2, 5]) },
    { name: 'to_channels_last', covers: ['dim_order'], args: { self: t(d, [1, 3, 2, 2]), dim_order: CL }, out: o(d, [1, 3, 2, 2], CL) },
    // The dtype conversion the exporter emits for .to(dtype): every dtype to float32 and back.
    { name: 'to_f32', covers: ['attr'], args: { self: t(d, [7]), dim_order: null }, out: o('float32', [7]) },
    { name: 'from_f32', covers: ['attr'], args: { self: tensor('float32', [7], { range: [-50, 50] }), dim_order: null }, out: o(d, [7]) },
  ]),
];
