/**
 * Element bytes ↔ reference values, little-endian, in memory order. The
 * interpreter keeps every tensor in bytes (arena slots, constants, caller
 * inputs) so that aliasing — two values planned at one offset, a view of
 * another tensor's memory — behaves as it does in the runtime.
 */
import { dtypeSize, type DType } from '../dtype.js';
import { ReferenceOpError } from './errors.js';
import { bfloat16FromBits, bfloat16ToBits, halfFromBits, halfToBits } from './float-format.js';
import { toLogical, toPhysical } from './tensor.js';

/** Decodes `count` elements of `dtype` from `bytes` (memory order). */
export function decodeElements(dtype: DType, bytes: Uint8Array, count: number): number[] | bigint[] {
  const size = dtypeSize(dtype);
  if (bytes.length < count * size) throw new ReferenceOpError(`${count} ${dtype} elements need ${count * size} bytes, have ${bytes.length}`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, count * size);
  const read = (i: number): number | bigint => {
    const at = i * size;
    switch (dtype) {
      case 'uint8': return v.getUint8(at);
      case 'bool': return v.getUint8(at) ? 1 : 0;
      case 'int8': return v.getInt8(at);
      case 'int16': return v.getInt16(at, true);
      case 'int32': return v.getInt32(at, true);
      case 'int64': return v.getBigInt64(at, true);
      case 'uint64': return v.getBigUint64(at, true);
      case 'float16': return halfFromBits(v.getUint16(at, true));
      case 'bfloat16': return bfloat16FromBits(v.getUint16(at, true));
      case 'float32': return v.getFloat32(at, true);
      case 'float64': return v.getFloat64(at, true);
      default: throw new ReferenceOpError(`dtype ${dtype} is not supported`);
    }
  };
  return Array.from({ length: count }, (_, i) => read(i)) as number[] | bigint[];
}

/** Encodes elements (memory order) into `bytes`. */
export function encodeElements(dtype: DType, values: readonly (number | bigint)[], bytes: Uint8Array): void {
  const size = dtypeSize(dtype);
  if (bytes.length < values.length * size) throw new ReferenceOpError(`${values.length} ${dtype} elements do not fit in ${bytes.length} bytes`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, values.length * size);
  values.forEach((x, i) => {
    const at = i * size;
    switch (dtype) {
      case 'uint8': case 'bool': v.setUint8(at, Number(x)); break;
      case 'int8': v.setInt8(at, Number(x)); break;
      case 'int16': v.setInt16(at, Number(x), true); break;
      case 'int32': v.setInt32(at, Number(x), true); break;
      case 'int64': v.setBigInt64(at, BigInt(x), true); break;
      case 'uint64': v.setBigUint64(at, BigInt(x), true); break;
      case 'float16': v.setUint16(at, halfToBits(Number(x)), true); break;
      case 'bfloat16': v.setUint16(at, bfloat16ToBits(Number(x)), true); break;
      case 'float32': v.setFloat32(at, Number(x), true); break;
      case 'float64': v.setFloat64(at, Number(x), true); break;
      default: throw new ReferenceOpError(`dtype ${dtype} is not supported`);
    }
  });
}

/** Logical values of a tensor stored in `bytes` with `dimOrder`. */
export function readLogical(dtype: DType, shape: readonly number[], dimOrder: readonly number[], bytes: Uint8Array): number[] | bigint[] {
  const count = shape.reduce((n, d) => n * d, 1);
  return toLogical(decodeElements(dtype, bytes, count) as (number | bigint)[], shape, dimOrder) as number[] | bigint[];
}

/** Stores logical values into `bytes` laid out in `dimOrder`. */
export function writeLogical(
  dtype: DType, shape: readonly number[], dimOrder: readonly number[], data: readonly (number | bigint)[], bytes: Uint8Array,
): void {
  encodeElements(dtype, toPhysical(data, shape, dimOrder), bytes);
}
