/**
 * quantized_decomposed::quantize_per_tensor.out / dequantize_per_tensor.out
 * as PyTorch's decomposed reference (torch.ao.quantization.fx._decomposed):
 *   quantize:   clamp(round(x · float32(1/scale)) + zero_point, quant_min, quant_max) → dtype,
 *               in float32 (float16/bfloat16 inputs widen first), round half to even;
 *   dequantize: (q.to(out_dtype) − zero_point) · scale in out_dtype (default float32).
 * quant_min/quant_max must lie in the quantized dtype's range. The per-channel forms take channel
 * c's scale and zero point along `axis` (quantize in float64 when the scales are float64;
 * dequantize subtracts in the promoted integer type and multiplies in the scales' dtype).
 */
import { dtypeFromCode, type DType } from '../dtype.js';
import { ReferenceOpError } from './errors.js';
import { mapBroadcast, roundIn } from './elementwise.js';
import { castElement, isFloating, isReduced, promoteTypes } from './scalar-types.js';
import { doubleArg, intArg, makeTensor, tensorArg, type RefTensor, type RefValue } from './tensor.js';

const QUANT_RANGES: Partial<Record<DType, [number, number]>> = {
  uint8: [0, 255], int8: [-128, 127], int16: [-32768, 32767], int32: [-(2 ** 31), 2 ** 31 - 1],
};

function quantArgs(args: readonly RefValue[]): { zp: number; min: number; max: number; dtype: DType } {
  const dtype = dtypeFromCode(intArg(args, 5, 'dtype'));
  const range = QUANT_RANGES[dtype];
  if (range === undefined) throw new ReferenceOpError(`unsupported quantized dtype ${dtype}`);
  const min = intArg(args, 3, 'quant_min');
  const max = intArg(args, 4, 'quant_max');
  if (min < range[0]) throw new ReferenceOpError(`quant_min out of bound for dtype, quant_min_lower_bound: ${range[0]} quant_min: ${min}`);
  if (max > range[1] || max < min) throw new ReferenceOpError(`quant_max out of bound for dtype, quant_max_upper_bound: ${range[1]} quant_max: ${max}`);
  return { zp: intArg(args, 2, 'zero_point'), min, max, dtype };
}

/** nearbyint in the default rounding mode: half to even. */
function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export function decomposedQuantizePerTensor(args: readonly RefValue[]): RefTensor {
  const input = tensorArg(args, 0, 'input');
  const out = tensorArg(args, 6, 'out');
  if (input.dtype !== 'float32' && !isReduced(input.dtype)) {
    throw new ReferenceOpError(`Expecting input to have dtype torch.float32, but got dtype: ${input.dtype}`);
  }
  const { zp, min, max, dtype } = quantArgs(args);
  if (out.dtype !== dtype) throw new ReferenceOpError(`out dtype ${out.dtype} is not the requested ${dtype}`);
  const inv = Math.fround(1 / doubleArg(args, 1, 'scale'));
  return mapBroadcast([input], 'float32', out, ([x]) => {
    const q = Math.fround(roundHalfEven(Math.fround((x as number) * inv)) + zp);
    return Number.isNaN(q) ? 0 : Math.min(Math.max(q, min), max);
  });
}

export function decomposedDequantizePerTensor(args: readonly RefValue[]): RefTensor {
  const input = tensorArg(args, 0, 'input');
  const out = tensorArg(args, 7, 'out');
  const { zp, dtype } = quantArgs(args);
  if (input.dtype !== dtype) throw new ReferenceOpError(`Expecting input to have dtype: ${dtype}, but got ${input.dtype}`);
  const code = args[6];
  const want: DType = code === null || code === undefined ? 'float32' : dtypeFromCode(intArg(args, 6, 'out_dtype'));
  if (!isFloating(want) || out.dtype !== want) throw new ReferenceOpError(`out dtype ${out.dtype} is not ${want}`);
  const scale = doubleArg(args, 1, 'scale');
  // A half-type tensor times a Python float multiplies in float32 with the float unrounded to half.
  const s = isReduced(want) ? Math.fround(scale) : roundIn(want, scale);
  return mapBroadcast([input], want, out, ([q]) => {
    const d = roundIn(want, (castElement(q!, input.dtype, want) as number) - zp);
    return roundIn(want, d * s);
  });
}

/** A per-channel parameter as a tensor of shape [C, 1, ...] that broadcasts against input along `axis`. */
function channelView(t: RefTensor, axis: number, rank: number, what: string, channels: number): RefTensor {
  if (t.shape.length !== 1 || t.shape[0] !== channels) throw new ReferenceOpError(`${what} must be 1-d with ${channels} entries`);
  const shape = [channels, ...new Array<number>(rank - axis - 1).fill(1)];
  return makeTensor(t.dtype, shape, [...t.data] as number[] | bigint[]);
}

function channelArgs(args: readonly RefValue[], input: RefTensor): { axis: number; channels: number } {
  const rank = input.shape.length;
  const a = intArg(args, 3, 'axis');
  if (rank === 0 || a < -rank || a >= rank) throw new ReferenceOpError(`Expecting axis to be < ${rank}`);
  const axis = a < 0 ? a + rank : a;
  return { axis, channels: input.shape[axis]! };
}

/** Per-channel quantize: computes in the promotion of float32 with the scales' dtype (float64 scales: double). */
export function decomposedQuantizePerChannel(args: readonly RefValue[]): RefTensor {
  const input = tensorArg(args, 0, 'input');
  const scales = tensorArg(args, 1, 'scales');
  const zps = tensorArg(args, 2, 'zero_points');
  const out = tensorArg(args, 7, 'out');
  if (input.dtype !== 'float32' && !isReduced(input.dtype)) {
    throw new ReferenceOpError(`Expecting input to have dtype torch.float32, but got dtype: ${input.dtype}`);
  }
  if (scales.dtype !== 'float32' && scales.dtype !== 'float64') throw new ReferenceOpError(`scales dtype ${scales.dtype}`);
  if (zps.dtype !== 'int64' && zps.dtype !== 'int32') throw new ReferenceOpError(`zero_points dtype ${zps.dtype}`);
  const { min, max, dtype } = quantArgs([...args.slice(0, 2), 0n, args[4]!, args[5]!, args[6]!]);
  if (out.dtype !== dtype) throw new ReferenceOpError(`out dtype ${out.dtype} is not the requested ${dtype}`);
  const { axis, channels } = channelArgs(args, input);
  const rank = input.shape.length;
  const wide = scales.dtype === 'float64';
  const r = (v: number): number => (wide ? v : Math.fround(v));
  const s = channelView(scales, axis, rank, 'scales', channels);
  const z = channelView(zps, axis, rank, 'zero_points', channels);
  return mapBroadcast([input, s, z], 'float32', out, ([x, sc, zp]) => {
    const q = r(roundHalfEven(r((x as number) * r(1 / (sc as number)))) + Number(zp));
    return Number.isNaN(q) ? 0 : Math.min(Math.max(q, min), max);
  });
}

/** Per-channel dequantize: (q − zp) in the promoted integer type, times the scale in the scales' dtype, then cast to out_dtype. */
export function decomposedDequantizePerChannel(args: readonly RefValue[]): RefTensor {
  const input = tensorArg(args, 0, 'input');
  const scales = tensorArg(args, 1, 'scales');
  const zps = args[2] === null ? null : tensorArg(args, 2, 'zero_points');
  const out = tensorArg(args, 8, 'out');
  const { dtype } = quantArgs([...args.slice(0, 2), 0n, args[4]!, args[5]!, args[6]!]);
  if (input.dtype !== dtype) throw new ReferenceOpError(`Expecting input to have dtype: ${dtype}, but got ${input.dtype}`);
  if (scales.dtype !== 'float32' && scales.dtype !== 'float64') throw new ReferenceOpError(`scales dtype ${scales.dtype}`);
  if (zps !== null && zps.dtype !== 'int64' && zps.dtype !== 'int32') throw new ReferenceOpError(`zero_points dtype ${zps.dtype}`);
  const want: DType = args[7] === null || args[7] === undefined ? 'float32' : dtypeFromCode(intArg(args, 7, 'out_dtype'));
  if (!isFloating(want) || out.dtype !== want) throw new ReferenceOpError(`out dtype ${out.dtype} is not ${want}`);
  const { axis, channels } = channelArgs(args, input);
  const rank = input.shape.length;
  const s = channelView(scales, axis, rank, 'scales', channels);
  const z = zps === null ? makeTensor('int64', [], [0n]) : channelView(zps, axis, rank, 'zero_points', channels);
  const compute = scales.dtype;
  // q − zp is a tensor subtraction: it wraps in the promoted integer type (int32 − int32 stays int32).
  const diffType = zps === null ? input.dtype : promoteTypes(input.dtype, zps.dtype);
  return mapBroadcast([input, s, z], compute, out, ([q, sc, zp]) => {
    const diff = castElement(BigInt(q!) - BigInt(zp!), 'int64', diffType);
    return roundIn(compute, (castElement(diff, diffType, compute) as number) * (sc as number));
  });
}

/** One element of a scale / zero-point tensor of the .Tensor overloads (PyTorch reads it with .item()). */
function itemOf(args: readonly RefValue[], i: number, name: string, dtypes: readonly string[]): number {
  const t = tensorArg(args, i, name);
  if (!dtypes.includes(t.dtype) || t.data.length !== 1) throw new ReferenceOpError(`${name} must be one ${dtypes.join('/')} element`);
  return Number(t.data[0]);
}

/** The .Tensor_out overloads: scale and zero point as one-element tensors, then the Scalar forms. */
export function decomposedQuantizePerTensorTensor(args: readonly RefValue[]): RefTensor {
  const qargs = [...args];
  qargs[1] = itemOf(args, 1, 'scale', ['float32', 'float64']);
  qargs[2] = BigInt(itemOf(args, 2, 'zero_point', ['int32', 'int64']));
  return decomposedQuantizePerTensor(qargs);
}

export function decomposedDequantizePerTensorTensor(args: readonly RefValue[]): RefTensor {
  const qargs = [...args];
  qargs[1] = itemOf(args, 1, 'scale', ['float32', 'float64']);
  qargs[2] = BigInt(itemOf(args, 2, 'zero_point', ['int32', 'int64']));
  return decomposedDequantizePerTensor(qargs);
}
