/**
 * The dispatch table of the reference, keyed by the operator names of
 * native/kernels/ops.yaml. `args` are the schema arguments in order — an out
 * variant's `out` tensor included, the return slot not — as RefValues (Int as
 * bigint, Double as number, int[] as number[]).
 *
 *   const out = { dtype: 'float32', shape: [3], dimOrder: [0], data: [0, 0, 0] } as const;
 *   const r = evaluate('aten::add.out', [x, y, 1n, out]);   // RefTensor, logical row-major
 *
 * Kinds: `out` ops return the tensor the kernel writes into `out` (a list
 * of tensors, one per item, for a `Tensor(a!)[]` out); `value`
 * ops return the Int/Double/Bool of the return slot; `view` ops return a
 * tensor that shares self's memory.
 */
import { addOut, addScalarOut, mulOut, mulScalarOut } from './binary.js';
import { quantizedConv2d, quantizedDepthwiseConv2d, quantizedLinear } from './cortex-m-conv.js';
import { dequantizePerTensor, pad, quantizedAvgPool2d, quantizePerTensor } from './cortex-m-quant.js';
import { cloneDimOrderOut, toDimOrderCopyOut } from './dim-order.js';
import { ReferenceOpError } from './errors.js';
import {
  addScalar, eqScalar, etView, floordivScalar, geScalar, gtScalar, leScalar, ltScalar, modScalar, mulScalar, negScalar,
  subScalar, symNumel, symSizeInt, truedivScalar,
} from './prim.js';
import {
  aliasCopyOut, constantPadNdOut, copyInplace, expandCopyOut, narrowCopyOut, permuteCopyOut, selectCopyIntOut, sliceCopyTensorOut,
  squeezeCopyDimOut, squeezeCopyDimsOut, squeezeCopyOut, tCopyOut, transposeCopyIntOut, unsqueezeCopyOut, viewCopyOut,
} from './shape.js';
import { catOut, splitCopyTensorOut, splitWithSizesCopyOut, stackOut, unbindCopyIntOut } from './shape-join.js';
import { embeddingOut, indexPutOut, indexSelectOut, indexTensorOut } from './indexing.js';
import { gatherOut, maskedFillScalarOut, scatterSrcOut, scatterValueOut } from './indexing-scatter.js';
import { flipOut, pixelShuffleOut, repeatOut, rollOut, trilOut, triuOut } from './shape-tile.js';
import { convolutionOut } from './conv.js';
import { addmmOut, bmmOut, linearOut, mmOut } from './linalg.js';
import { logSoftmaxOut, nativeBatchNormLegitNoTrainingOut, nativeGroupNormOut, nativeLayerNormOut, softmaxOut } from './norm.js';
import { adaptiveAvgPool2dOut, avgPool2dOut, maxPool2dWithIndicesOut } from './pool.js';
import { amaxOut, aminOut, argmaxOut, argminOut, cumsumOut, meanOut, sumIntListOut, topkValues, varCorrectionOut } from './reduce.js';
import { upsampleBilinear2dVecOut, upsampleNearest2dVecOut } from './upsample.js';
import {
  clampOut, clampTensorOut, eluOut, hardsigmoidOut, hardswishOut, hardtanhOut, leakyReluOut, reluOut, siluOut,
} from './activation.js';
import {
  bitwiseAndTensorOut, divOut, divOutMode, divScalarOut, powTensorScalarOut, powTensorTensorOut, rsubScalarOut, subOut, subScalarOut,
} from './arith.js';
import {
  decomposedDequantizePerChannel, decomposedDequantizePerTensor, decomposedDequantizePerTensorTensor, decomposedQuantizePerChannel,
  decomposedQuantizePerTensor, decomposedQuantizePerTensorTensor,
} from './quantized-decomposed.js';
import {
  absOut, cosOut, erfOut, expOut, floorOut, geluOut, logOut, negOut, reciprocalOut, roundOut, rsqrtOut, sigmoidOut, sinOut, sqrtOut,
  tanhOut,
} from './unary.js';
import {
  anyAllOut, anyDimOut, anyDimsOut, compareScalarOut, compareTensorOut, logicalNotOut, maximumOut, minimumOut, whereSelfOut,
} from './compare.js';
import { arangeOut, arangeStartOut, cloneOut, fullLikeOut, fullOut, scalarTensorOut, toCopyOut } from './creation.js';
import type { RefValue } from './tensor.js';

export type ReferenceOpKind = 'out' | 'value' | 'view';

export interface ReferenceOp {
  kind: ReferenceOpKind;
  /** Number of schema arguments (return slot excluded). */
  arity: number;
  /** The argument an `out` op writes (default: the last one); 0 for in-place ops such as copy_. */
  outArg?: number;
  fn: (args: readonly RefValue[]) => RefValue;
}

const out = (arity: number, fn: ReferenceOp['fn'], outArg?: number): ReferenceOp => ({ kind: 'out', arity, fn, ...(outArg === undefined ? {} : { outArg }) });
const value = (arity: number, fn: ReferenceOp['fn']): ReferenceOp => ({ kind: 'value', arity, fn });

export const REFERENCE_OPS: Readonly<Record<string, ReferenceOp>> = {
  'aten::add.out': out(4, addOut),
  'aten::add.Scalar_out': out(4, addScalarOut),
  'aten::mul.out': out(3, mulOut),
  'aten::mul.Scalar_out': out(3, mulScalarOut),
  // --- elementwise ---
  'aten::sub.out': out(4, subOut),
  'aten::sub.Scalar_out': out(4, subScalarOut),
  'aten::rsub.Scalar_out': out(4, rsubScalarOut),
  'aten::div.out': out(3, divOut),
  'aten::div.out_mode': out(4, divOutMode),
  'aten::div.Scalar_out': out(3, divScalarOut),
  'aten::relu.out': out(2, reluOut),
  'aten::hardtanh.out': out(4, hardtanhOut),
  'aten::clamp.out': out(4, clampOut),
  'aten::clamp.Tensor_out': out(4, clampTensorOut),
  'aten::sigmoid.out': out(2, sigmoidOut),
  'aten::tanh.out': out(2, tanhOut),
  'aten::rsqrt.out': out(2, rsqrtOut),
  'aten::sqrt.out': out(2, sqrtOut),
  'aten::exp.out': out(2, expOut),
  'aten::neg.out': out(2, negOut),
  'aten::pow.Tensor_Scalar_out': out(3, powTensorScalarOut),
  'quantized_decomposed::quantize_per_tensor.out': out(7, decomposedQuantizePerTensor),
  'quantized_decomposed::dequantize_per_tensor.out': out(8, decomposedDequantizePerTensor),
  'quantized_decomposed::quantize_per_tensor.Tensor_out': out(7, decomposedQuantizePerTensorTensor),
  'quantized_decomposed::dequantize_per_tensor.Tensor_out': out(8, decomposedDequantizePerTensorTensor),
  'quantized_decomposed::quantize_per_channel.out': out(8, decomposedQuantizePerChannel),
  'quantized_decomposed::dequantize_per_channel.out': out(9, decomposedDequantizePerChannel),
  'aten::eq.Scalar_out': out(3, compareScalarOut('eq')),
  'aten::eq.Tensor_out': out(3, compareTensorOut('eq')),
  'aten::ne.Scalar_out': out(3, compareScalarOut('ne')),
  'aten::ne.Tensor_out': out(3, compareTensorOut('ne')),
  'aten::lt.Scalar_out': out(3, compareScalarOut('lt')),
  'aten::lt.Tensor_out': out(3, compareTensorOut('lt')),
  'aten::le.Scalar_out': out(3, compareScalarOut('le')),
  'aten::le.Tensor_out': out(3, compareTensorOut('le')),
  'aten::gt.Scalar_out': out(3, compareScalarOut('gt')),
  'aten::gt.Tensor_out': out(3, compareTensorOut('gt')),
  'aten::ge.Scalar_out': out(3, compareScalarOut('ge')),
  'aten::ge.Tensor_out': out(3, compareTensorOut('ge')),
  'aten::where.self_out': out(4, whereSelfOut),
  'aten::minimum.out': out(3, minimumOut),
  'aten::maximum.out': out(3, maximumOut),
  'aten::logical_not.out': out(2, logicalNotOut),
  'aten::gelu.out': out(3, geluOut),
  'aten::cos.out': out(2, cosOut),
  'aten::sin.out': out(2, sinOut),
  'aten::full.out': out(3, fullOut),
  'aten::full_like.out': out(4, fullLikeOut),
  'aten::scalar_tensor.out': out(2, scalarTensorOut),
  'aten::arange.out': out(2, arangeOut),
  'aten::arange.start_out': out(4, arangeStartOut),
  'aten::_to_copy.out': out(4, toCopyOut),
  'aten::clone.out': out(3, cloneOut),
  'aten::any.all_out': out(2, anyAllOut),
  'aten::any.out': out(4, anyDimOut),
  'aten::any.dims_out': out(4, anyDimsOut),
  'aten::abs.out': out(2, absOut),
  'aten::reciprocal.out': out(2, reciprocalOut),
  'aten::log.out': out(2, logOut),
  'aten::erf.out': out(2, erfOut),
  'aten::floor.out': out(2, floorOut),
  'aten::round.out': out(2, roundOut),
  'aten::leaky_relu.out': out(3, leakyReluOut),
  'aten::elu.out': out(5, eluOut),
  'aten::silu.out': out(2, siluOut),
  'aten::hardswish.out': out(2, hardswishOut),
  'aten::hardsigmoid.out': out(2, hardsigmoidOut),
  'aten::bitwise_and.Tensor_out': out(3, bitwiseAndTensorOut),
  'aten::pow.Tensor_Tensor_out': out(3, powTensorTensorOut),
  'dim_order_ops::_clone_dim_order.out': out(4, cloneDimOrderOut),
  'dim_order_ops::_to_dim_order_copy.out': out(4, toDimOrderCopyOut),
  'aten::sym_size.int': value(2, symSizeInt),
  'aten::sym_numel': value(1, symNumel),
  'executorch_prim::et_view.default': { kind: 'view', arity: 2, fn: etView },
  'executorch_prim::add.Scalar': value(2, addScalar),
  'executorch_prim::sub.Scalar': value(2, subScalar),
  'executorch_prim::mul.Scalar': value(2, mulScalar),
  'executorch_prim::floordiv.Scalar': value(2, floordivScalar),
  'executorch_prim::truediv.Scalar': value(2, truedivScalar),
  'executorch_prim::mod.Scalar': value(2, modScalar),
  'executorch_prim::neg.Scalar': value(1, negScalar),
  'executorch_prim::eq.Scalar': value(2, eqScalar),
  'executorch_prim::gt.Scalar': value(2, gtScalar),
  'executorch_prim::lt.Scalar': value(2, ltScalar),
  'executorch_prim::ge.Scalar': value(2, geScalar),
  'executorch_prim::le.Scalar': value(2, leScalar),
  'cortex_m::quantize_per_tensor.out': out(7, quantizePerTensor),
  'cortex_m::dequantize_per_tensor.out': out(7, dequantizePerTensor),
  'cortex_m::quantized_conv2d.out': out(14, quantizedConv2d),
  'cortex_m::quantized_depthwise_conv2d.out': out(15, quantizedDepthwiseConv2d),
  'cortex_m::pad.out': out(5, pad),
  'cortex_m::quantized_avg_pool2d.out': out(10, quantizedAvgPool2d),
  'cortex_m::quantized_linear.out': out(12, quantizedLinear),
  // --- shape ---
  'aten::view_copy.out': out(3, viewCopyOut),
  'aten::permute_copy.out': out(3, permuteCopyOut),
  'aten::expand_copy.out': out(4, expandCopyOut),
  'aten::squeeze_copy.out': out(2, squeezeCopyOut),
  'aten::squeeze_copy.dim_out': out(3, squeezeCopyDimOut),
  'aten::squeeze_copy.dims_out': out(3, squeezeCopyDimsOut),
  'aten::unsqueeze_copy.out': out(3, unsqueezeCopyOut),
  'aten::slice_copy.Tensor_out': out(6, sliceCopyTensorOut),
  'aten::select_copy.int_out': out(4, selectCopyIntOut),
  'aten::narrow_copy.out': out(5, narrowCopyOut),
  'aten::cat.out': out(3, catOut),
  'aten::stack.out': out(3, stackOut),
  'aten::split_with_sizes_copy.out': out(4, splitWithSizesCopyOut),
  'aten::split_copy.Tensor_out': out(4, splitCopyTensorOut),
  'aten::unbind_copy.int_out': out(3, unbindCopyIntOut),
  'aten::t_copy.out': out(2, tCopyOut),
  'aten::transpose_copy.int_out': out(4, transposeCopyIntOut),
  'aten::alias_copy.out': out(2, aliasCopyOut),
  'aten::embedding.out': out(6, embeddingOut),
  'aten::index.Tensor_out': out(3, indexTensorOut),
  'aten::index_select.out': out(4, indexSelectOut),
  'aten::index_put.out': out(5, indexPutOut),
  'aten::constant_pad_nd.out': out(4, constantPadNdOut),
  'aten::gather.out': out(5, gatherOut),
  'aten::scatter.src_out': out(5, scatterSrcOut),
  'aten::scatter.value_out': out(5, scatterValueOut),
  'aten::repeat.out': out(3, repeatOut),
  'aten::flip.out': out(3, flipOut),
  'aten::roll.out': out(4, rollOut),
  'aten::tril.out': out(3, trilOut),
  'aten::triu.out': out(3, triuOut),
  'aten::masked_fill.Scalar_out': out(4, maskedFillScalarOut),
  'aten::pixel_shuffle.out': out(3, pixelShuffleOut),
  'aten::copy_': out(3, copyInplace, 0),
  // --- linalg ---
  'aten::mm.out': out(3, mmOut),
  'aten::bmm.out': out(3, bmmOut),
  'aten::addmm.out': out(6, addmmOut),
  'aten::linear.out': out(4, linearOut),
  'aten::convolution.out': out(10, convolutionOut),
  'aten::_native_batch_norm_legit_no_training.out': out(10, nativeBatchNormLegitNoTrainingOut),
  'aten::native_layer_norm.out': out(8, nativeLayerNormOut),
  'aten::_softmax.out': out(4, softmaxOut),
  'aten::_log_softmax.out': out(4, logSoftmaxOut),
  'aten::max_pool2d_with_indices.out': out(8, maxPool2dWithIndicesOut),
  'aten::avg_pool2d.out': out(8, avgPool2dOut),
  'aten::_adaptive_avg_pool2d.out': out(3, adaptiveAvgPool2dOut),
  'aten::mean.out': out(5, meanOut),
  'aten::sum.IntList_out': out(5, sumIntListOut),
  'aten::amax.out': out(4, amaxOut),
  'aten::amin.out': out(4, aminOut),
  'aten::argmax.out': out(4, argmaxOut),
  'aten::argmin.out': out(4, argminOut),
  'aten::cumsum.out': out(4, cumsumOut),
  'aten::var.correction_out': out(5, varCorrectionOut),
  'aten::native_group_norm.out': out(11, nativeGroupNormOut),
  'aten::upsample_nearest2d.vec_out': out(4, upsampleNearest2dVecOut),
  'aten::upsample_bilinear2d.vec_out': out(5, upsampleBilinear2dVecOut),
  'aten::topk.values': out(7, topkValues),
};

export function referenceOp(opName: string): ReferenceOp {
  const op = REFERENCE_OPS[opName];
  if (op === undefined) throw new ReferenceOpError('the reference has no implementation of this operator', { op: opName });
  return op;
}

/**
 * Applies operator `opName` to `args` and returns its result (see the kinds
 * above). Inputs are not modified.
 * @throws ReferenceOpError for an unknown operator, a wrong argument count or
 *   arguments the operator's semantics reject.
 */
export function evaluate(opName: string, args: readonly RefValue[]): RefValue {
  const op = referenceOp(opName);
  if (args.length !== op.arity) throw new ReferenceOpError(`expected ${op.arity} arguments, got ${args.length}`, { op: opName });
  try {
    return op.fn(args);
  } catch (e) {
    if (e instanceof ReferenceOpError && e.op === null) throw new ReferenceOpError(e.message, { op: opName, cause: e });
    throw e;
  }
}
