/**
 * Operator-suite cases of the shape family (view/permute/expand/squeeze/
 * unsqueeze/slice/select/narrow/t/transpose/alias copies, cat, stack, the
 * list-out splits, embedding, index.Tensor, index_select, index_put,
 * constant_pad_nd, gather, scatter, repeat, flip, roll, tril/triu,
 * masked_fill, pixel_shuffle, copy_): every op on every dtype with an edge case, a
 * channels-last (dim_order) case, and for float32 the attr/empty/size1/large
 * corners. Index tensors are int64 unless a case says otherwise.
 */
import type { DType } from '../../../dtype.js';
import { tensor, type CaseTensor, type OpSuite } from '../case.js';
import { CL, DTYPES, edge, edgeData, F32, idx, numel, o, suite, t } from './common.js';

const VIEW = { broadcast: false, dimOrder: true, edge: true };

export const SHAPE_SUITES: OpSuite[] = [
  suite('aten::view_copy.out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 6]), size: [3, 4] }, out: o(d, [3, 4]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 3, 2, 2], CL), size: [3, 4] }, out: o(d, [3, 4]) },
    { name: 'infer', covers: ['attr'], args: { self: t(d, [2, 3, 4]), size: [4, -1] }, out: o(d, [4, 6]), only: F32 },
    { name: 'empty', covers: ['empty'], args: { self: t(d, [0, 3]), size: [3, 0] }, out: o(d, [3, 0]), only: F32 },
    { name: 'zero_dim', covers: ['size1'], args: { self: t(d, []), size: [1, 1] }, out: o(d, [1, 1]), only: F32 },
    { name: 'large', covers: ['large'], args: { self: t(d, [256, 256]), size: [65536] }, out: o(d, [65536]), only: F32 },
  ]),
  suite('aten::permute_copy.out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 3, 4]), dims: [2, 0, 1] }, out: o(d, [4, 2, 3]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 2, 3, 2], CL), dims: [0, 2, 3, 1] }, out: o(d, [1, 3, 2, 2]) },
    { name: 'negative_dims', covers: ['attr'], args: { self: t(d, [3, 5]), dims: [-1, -2] }, out: o(d, [5, 3]), only: F32 },
    { name: 'into_channels_last', covers: ['dim_order'], args: { self: t(d, [1, 2, 3, 2]), dims: [0, 1, 2, 3] }, out: o(d, [1, 2, 3, 2], CL), only: F32 },
    { name: 'large', covers: ['large'], args: { self: t(d, [64, 1024]), dims: [1, 0] }, out: o(d, [1024, 64]), only: F32 },
  ]),
  suite('aten::expand_copy.out', { broadcast: true, dimOrder: true, edge: true }, (d) => [
    { name: 'edge', covers: ['edge', 'broadcast'], args: { self: edge(d, [3, 1]), size: [2, 3, 4], implicit: false }, out: o(d, [2, 3, 4]) },
    { name: 'channels_last', covers: ['dim_order', 'broadcast'], args: { self: t(d, [1, 2, 1, 1], CL), size: [2, 2, 3, 3], implicit: false }, out: o(d, [2, 2, 3, 3]) },
    { name: 'keep', covers: ['attr'], args: { self: t(d, [1, 4]), size: [3, -1], implicit: false }, out: o(d, [3, 4]), only: F32 },
    { name: 'empty', covers: ['empty'], args: { self: t(d, [0, 1]), size: [0, 4], implicit: false }, out: o(d, [0, 4]), only: F32 },
    { name: 'large', covers: ['large'], args: { self: t(d, [1, 256]), size: [256, 256], implicit: false }, out: o(d, [256, 256]), only: F32 },
  ]),
  suite('aten::squeeze_copy.out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [1, 3, 1, 2]) }, out: o(d, [3, 2]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 3, 1, 2], CL) }, out: o(d, [3, 2]) },
    { name: 'all_ones', covers: ['size1'], args: { self: t(d, [1, 1]) }, out: o(d, []), only: F32 },
  ]),
  suite('aten::squeeze_copy.dim_out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 1, 3]), dim: -2 }, out: o(d, [2, 3]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 2, 2, 2], CL), dim: 0 }, out: o(d, [2, 2, 2]) },
    { name: 'kept', covers: ['attr'], args: { self: t(d, [2, 3]), dim: 0 }, out: o(d, [2, 3]), only: F32 },
  ]),
  suite('aten::squeeze_copy.dims_out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [1, 3, 1]), dim: [0, 2] }, out: o(d, [3]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 2, 1, 3], CL), dim: [0, 2] }, out: o(d, [2, 3]) },
    { name: 'mixed', covers: ['attr'], args: { self: t(d, [1, 3, 1, 2]), dim: [-1, 0] }, out: o(d, [3, 1, 2]), only: F32 },
  ]),
  suite('aten::unsqueeze_copy.out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 3]), dim: -1 }, out: o(d, [2, 3, 1]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 2, 2, 2], CL), dim: 4 }, out: o(d, [1, 2, 2, 2, 1]) },
    { name: 'zero_dim', covers: ['size1'], args: { self: t(d, []), dim: 0 }, out: o(d, [1]), only: F32 },
  ]),
  suite('aten::slice_copy.Tensor_out', VIEW, (d) => [
    { name: 'edge', covers: ['edge', 'attr'], args: { self: edge(d, [4, 6]), dim: 1, start: -5, end: null, step: 2 }, out: o(d, [4, 3]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 4, 2, 2], CL), dim: 1, start: 1, end: 3, step: 1 }, out: o(d, [1, 2, 2, 2]) },
    { name: 'end_past_size', covers: ['attr'], args: { self: t(d, [5]), dim: 0, start: null, end: 100, step: 1 }, out: o(d, [5]), only: F32 },
    { name: 'empty', covers: ['empty'], args: { self: t(d, [4, 6]), dim: 0, start: 3, end: 1, step: 1 }, out: o(d, [0, 6]), only: F32 },
    { name: 'large', covers: ['large'], args: { self: t(d, [512, 256]), dim: 0, start: 0, end: 256, step: 1 }, out: o(d, [256, 256]), only: F32 },
  ]),
  suite('aten::select_copy.int_out', VIEW, (d) => [
    { name: 'edge', covers: ['edge', 'attr'], args: { self: edge(d, [3, 4]), dim: 0, index: -1 }, out: o(d, [4]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 3, 2, 2], CL), dim: 1, index: 2 }, out: o(d, [1, 2, 2]) },
  ]),
  suite('aten::narrow_copy.out', VIEW, (d) => [
    { name: 'edge', covers: ['edge', 'attr'], args: { self: edge(d, [2, 5]), dim: 1, start: -2, length: 2 }, out: o(d, [2, 2]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 4, 2, 2], CL), dim: 1, start: 1, length: 2 }, out: o(d, [1, 2, 2, 2]) },
  ]),
  suite('aten::t_copy.out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 3]) }, out: o(d, [3, 2]) },
    { name: 'column_major', covers: ['dim_order'], args: { self: t(d, [2, 3], [1, 0]) }, out: o(d, [3, 2]) },
    { name: 'vector', covers: ['size1'], args: { self: t(d, [3]) }, out: o(d, [3]), only: F32 },
  ]),
  suite('aten::transpose_copy.int_out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 3, 4]), dim0: 0, dim1: 2 }, out: o(d, [4, 3, 2]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 2, 2, 3], CL), dim0: 1, dim1: 3 }, out: o(d, [1, 3, 2, 2]) },
    { name: 'negative', covers: ['attr'], args: { self: t(d, [3, 5]), dim0: -1, dim1: -2 }, out: o(d, [5, 3]), only: F32 },
  ]),
  suite('aten::alias_copy.out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 3]) }, out: o(d, [2, 3]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 2, 2, 2], CL) }, out: o(d, [1, 2, 2, 2], CL) },
  ]),
  suite('aten::cat.out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { tensors: [edge(d, [2, 3]), t(d, [1, 3])], dim: 0 }, out: o(d, [3, 3]) },
    { name: 'channels_last', covers: ['dim_order'], args: { tensors: [t(d, [1, 2, 2, 2], CL), t(d, [1, 1, 2, 2], CL)], dim: 1 }, out: o(d, [1, 3, 2, 2], CL) },
    { name: 'legacy_empty', covers: ['empty', 'attr'], args: { tensors: [t(d, [2, 2]), t(d, [0]), t(d, [2, 3])], dim: -1 }, out: o(d, [2, 5]), only: F32 },
    { name: 'large', covers: ['large'], args: { tensors: [t(d, [256, 128]), t(d, [256, 128])], dim: 1 }, out: o(d, [256, 256]), only: F32 },
    { name: 'cast_inputs', covers: ['attr'], args: { tensors: [t('int32', [2, 2]), t('float16', [1, 2]), t(d, [1, 2])], dim: 0 }, out: o(d, [4, 2]), only: ['float32', 'float64'] },
  ]),
  suite('aten::stack.out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { tensors: [edge(d, [2, 3]), t(d, [2, 3])], dim: 0 }, out: o(d, [2, 2, 3]) },
    { name: 'channels_last', covers: ['dim_order'], args: { tensors: [t(d, [1, 2, 2, 2], CL), t(d, [1, 2, 2, 2], CL)], dim: 0 }, out: o(d, [2, 1, 2, 2, 2]) },
    { name: 'last_dim', covers: ['attr'], args: { tensors: [t(d, [2, 3]), t(d, [2, 3]), t(d, [2, 3])], dim: -1 }, out: o(d, [2, 3, 3]), only: F32 },
  ]),
  suite('aten::split_with_sizes_copy.out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [5, 2]), split_sizes: [2, 3], dim: 0 }, out: [o(d, [2, 2]), o(d, [3, 2])] },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 4, 2, 2], CL), split_sizes: [1, 3], dim: 1 }, out: [o(d, [1, 1, 2, 2]), o(d, [1, 3, 2, 2])] },
    { name: 'empty_piece', covers: ['empty', 'attr'], args: { self: t(d, [2, 3]), split_sizes: [1, 0, 2], dim: -1 }, out: [o(d, [2, 1]), o(d, [2, 0]), o(d, [2, 2])], only: F32 },
  ]),
  suite('aten::split_copy.Tensor_out', VIEW, (d) => [
    { name: 'edge', covers: ['edge', 'attr'], args: { self: edge(d, [5, 2]), split_size: 2, dim: 0 }, out: [o(d, [2, 2]), o(d, [2, 2]), o(d, [1, 2])] },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 4, 2, 2], CL), split_size: 2, dim: 1 }, out: [o(d, [1, 2, 2, 2]), o(d, [1, 2, 2, 2])] },
  ]),
  suite('aten::unbind_copy.int_out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [3, 2]), dim: 0 }, out: [o(d, [2]), o(d, [2]), o(d, [2])] },
    { name: 'channels_last', covers: ['dim_order', 'attr'], args: { self: t(d, [1, 2, 2, 3], CL), dim: 1 }, out: [o(d, [1, 2, 3]), o(d, [1, 2, 3])] },
  ]),
  suite('aten::embedding.out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { weight: edge(d, [5, 3]), indices: idx([2, 2], [4, 0, 2, 2]), padding_idx: -1, scale_grad_by_freq: false, sparse: false }, out: o(d, [2, 2, 3]) },
    { name: 'column_major', covers: ['dim_order'], args: { weight: t(d, [4, 3], [1, 0]), indices: idx([3], [3, 1, 0], 'int32'), padding_idx: -1, scale_grad_by_freq: false, sparse: false }, out: o(d, [3, 3]) },
    { name: 'padding_idx', covers: ['attr'], args: { weight: t(d, [4, 8]), indices: idx([4], [2, 2, 0, 3]), padding_idx: 2, scale_grad_by_freq: false, sparse: false }, out: o(d, [4, 8]), only: F32 },
  ]),
  suite('aten::index.Tensor_out', { broadcast: true, dimOrder: true, edge: true }, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 3, 4]), indices: [null, idx([3], [2, 0, -1])] }, out: o(d, [2, 3, 4]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 2, 2, 3], CL), indices: [null, idx([1], [1], 'int32')] }, out: o(d, [1, 1, 2, 3]) },
    { name: 'non_adjacent', covers: ['attr'], args: { self: t(d, [2, 3, 4]), indices: [idx([2], [1, 0]), null, idx([2], [-1, 1])] }, out: o(d, [2, 3]), only: F32 },
    { name: 'broadcast', covers: ['broadcast'], args: { self: t(d, [3, 4]), indices: [idx([2, 1], [0, 2]), idx([2], [1, 3], 'int32')] }, out: o(d, [2, 2]), only: F32 },
    { name: 'bool_mask', covers: ['attr'], args: { self: t(d, [3, 4]), indices: [tensor('bool', [3], { data: [true, false, true] })] }, out: o(d, [2, 4]), only: F32 },
  ]),
  suite('aten::index_select.out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 4]), dim: 1, index: idx([3], [3, 0, 3]) }, out: o(d, [2, 3]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 4, 2, 2], CL), dim: 1, index: idx([2], [3, 1], 'int32') }, out: o(d, [1, 2, 2, 2]) },
    { name: 'empty_index', covers: ['empty'], args: { self: t(d, [3, 2]), dim: 0, index: idx([0], []) }, out: o(d, [0, 2]), only: F32 },
  ]),
  suite('aten::index_put.out', { broadcast: true, dimOrder: true, edge: true }, (d) => [
    { name: 'kv_cache', covers: ['edge'], args: { self: edge(d, [1, 2, 4, 2]), indices: [null, null, idx([1], [3])], values: edge(d, [1, 2, 1, 2]), accumulate: false }, out: o(d, [1, 2, 4, 2]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 2, 2, 2], CL), indices: [null, idx([1], [1])], values: t(d, [1, 1, 2, 2], CL), accumulate: false }, out: o(d, [1, 2, 2, 2], CL) },
    { name: 'accumulate', covers: ['attr'], args: { self: t(d, [5]), indices: [idx([3], [1, 1, 4])], values: t(d, [3]), accumulate: true }, out: o(d, [5]) },
    { name: 'broadcast_value', covers: ['broadcast'], args: { self: t(d, [3, 2]), indices: [idx([2], [0, 2])], values: t(d, [1]), accumulate: false }, out: o(d, [3, 2]), only: F32 },
  ]),
  suite('aten::constant_pad_nd.out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 3]), pad: [1, 2], value: d === 'bool' ? true : 3 }, out: o(d, [2, 6]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 2, 2, 2], CL), pad: [1, 1], value: 1 }, out: o(d, [1, 2, 2, 4], CL) },
    { name: 'crop', covers: ['attr'], args: { self: t(d, [3, 2, 2]), pad: [1, 0, -1, 1], value: 0.5 }, out: o(d, [3, 2, 3]), only: F32 },
    { name: 'crop_all', covers: ['empty'], args: { self: t(d, [2, 2]), pad: [-2, 0], value: 0 }, out: o(d, [2, 0]), only: F32 },
  ]),
  suite('aten::gather.out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [4, 3]), dim: 0, index: idx([2, 3], [3, 0, 1, 2, 2, 0]), sparse_grad: false }, out: o(d, [2, 3]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 2, 2, 2], CL), dim: 1, index: idx([1, 1, 2, 2], [1, 0, 0, 1]), sparse_grad: false }, out: o(d, [1, 1, 2, 2]) },
    { name: 'last_dim', covers: ['attr'], args: { self: t(d, [2, 5]), dim: -1, index: idx([2, 3], [4, 0, 4, 1, 2, 3]), sparse_grad: false }, out: o(d, [2, 3]), only: F32 },
  ]),
  suite('aten::scatter.src_out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [3, 3]), dim: 0, index: idx([1, 3], [2, 0, 1]), src: edge(d, [2, 3]) }, out: o(d, [3, 3]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 2, 2, 2], CL), dim: 1, index: idx([1, 1, 2, 2], [1, 0, 0, 1]), src: t(d, [1, 1, 2, 2], CL) }, out: o(d, [1, 2, 2, 2]) },
  ]),
  suite('aten::scatter.value_out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 3]), dim: 1, index: idx([2, 1], [0, 2]), value: d === 'bool' ? true : 1 }, out: o(d, [2, 3]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 2, 2, 2], CL), dim: 3, index: idx([1, 2, 2, 1], [1, 0, 0, 1]), value: 2 }, out: o(d, [1, 2, 2, 2], CL) },
  ]),
  suite('aten::repeat.out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 2]), repeats: [1, 2] }, out: o(d, [2, 4]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 2, 1, 2], CL), repeats: [1, 2, 2, 1] }, out: o(d, [1, 4, 2, 2]) },
    { name: 'new_dim', covers: ['attr'], args: { self: t(d, [1, 2]), repeats: [2, 1, 3] }, out: o(d, [2, 1, 6]), only: F32 },
    { name: 'large', covers: ['large'], args: { self: t(d, [256, 1]), repeats: [1, 256] }, out: o(d, [256, 256]), only: F32 },
  ]),
  suite('aten::flip.out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 3, 2]), dims: [0, -1] }, out: o(d, [2, 3, 2]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 2, 2, 2], CL), dims: [1, 3] }, out: o(d, [1, 2, 2, 2]) },
  ]),
  suite('aten::roll.out', VIEW, (d) => [
    // The builder reads `int[1]` as exactly one item, so the flattened (dims=[]) and multi-dim forms
    // are covered by the goldens and native tests only.
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 3]), shifts: [2], dims: [1] }, out: o(d, [2, 3]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 2, 2, 3], CL), shifts: [1], dims: [3] }, out: o(d, [1, 2, 2, 3]) },
    { name: 'negative', covers: ['attr'], args: { self: t(d, [2, 3]), shifts: [-4], dims: [-2] }, out: o(d, [2, 3]), only: F32 },
  ]),
  ...(['tril', 'triu'] as const).map((name) => suite(`aten::${name}.out`, VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [3, 3]), diagonal: 0 }, out: o(d, [3, 3]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 2, 3, 3], CL), diagonal: 1 }, out: o(d, [1, 2, 3, 3]) },
    { name: 'wide', covers: ['attr'], args: { self: t(d, [3, 5]), diagonal: -2 }, out: o(d, [3, 5]), only: F32 },
  ])),
  suite('aten::masked_fill.Scalar_out', { broadcast: true, dimOrder: true, edge: true }, (d) => [
    { name: 'edge', covers: ['edge', 'broadcast'], args: { self: edge(d, [2, 6]), mask: tensor('bool', [6], { data: [true, false, false, true, false, true] }), value: d === 'bool' ? true : 3 }, out: o(d, [2, 6]) },
    { name: 'channels_last', covers: ['dim_order', 'broadcast'], args: { self: t(d, [1, 2, 2, 2], CL), mask: tensor('bool', [2, 1, 1], { data: [false, true] }), value: 1 }, out: o(d, [1, 2, 2, 2]) },
    { name: 'float_value', covers: ['attr'], args: { self: t(d, [4]), mask: tensor('bool', [4], { data: [true, true, false, false] }), value: -2.75 }, out: o(d, [4]), only: F32 },
  ]),
  suite('aten::pixel_shuffle.out', VIEW, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [1, 4, 1, 3]), upscale_factor: 2 }, out: o(d, [1, 1, 2, 6]) },
    { name: 'channels_last', covers: ['dim_order'], args: { self: t(d, [1, 8, 2, 2], CL), upscale_factor: 2 }, out: o(d, [1, 2, 4, 4]) },
  ]),
  // copy_ writes its mutable `self`, which the builder makes an out tensor: the case checks what src leaves there.
  suite('aten::copy_', { broadcast: true, dimOrder: true, edge: true }, (d) => [
    { name: 'edge', covers: ['edge', 'broadcast'], args: { src: edge(d, [6]), non_blocking: false }, out: o(d, [2, 6]) },
    { name: 'channels_last', covers: ['dim_order'], args: { src: t(d, [1, 2, 2, 2]), non_blocking: false }, out: o(d, [1, 2, 2, 2], CL) },
    { name: 'from_int32', covers: ['attr'], args: { src: t('int32', [2, 3]), non_blocking: false }, out: o(d, [2, 3]) },
  ], 'self'),
];
