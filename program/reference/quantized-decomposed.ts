/**
 * quantized_decomposed::quantize_per_tensor.out / dequantize_per_tensor.out
 * as PyTorch's decomposed reference (torch.ao.quantization.fx._decomposed):
 *   quantize:   clamp(round(x · float32(1/scale)) + zero_point, quant_min, quant_max) → dtype,
 *               in float32 (float16/bfloat16 inputs widen first), round half to even;
 *   dequantize: (q.to(out_dtype) − zero_point) · scale in out_dtype (default float32).
 * quant_min/quant_max must lie in the quantized dtype's range.
 */
import { dtypeFromCode, type DType } from '../dtype.js';
import { ReferenceOpError } from './errors.js';
import { mapBroadcast, roundIn } from './elementwise.js';
import { castElement, isFloating, isReduced } from './scalar-types.js';
import { doubleArg, intArg, tensorArg, type RefTensor, type RefValue } from './tensor.js';

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
