/**
 * Tensor element types: ExecuTorch `ScalarType` codes (equal to PyTorch's
 * c10::ScalarType numbers) and their PyTorch spellings, element sizes and the
 * typed arrays used to hold their data in JS.
 */
import { ScalarType } from './generated/executorch-flatbuffer.js';
import { ProgramFormatError } from './errors.js';

/** PyTorch spelling of a dtype (`torch.<name>`). */
export type DType =
  | 'uint8' | 'int8' | 'int16' | 'int32' | 'int64'
  | 'float16' | 'float32' | 'float64' | 'bool'
  | 'qint8' | 'quint8' | 'qint32' | 'bfloat16' | 'quint4x2' | 'quint2x4'
  | 'bits16' | 'float8_e5m2' | 'float8_e4m3fn' | 'float8_e5m2fnuz' | 'float8_e4m3fnuz'
  | 'uint16' | 'uint32' | 'uint64';

interface DTypeFacts {
  code: ScalarType;
  size: number;
}

const FACTS: Record<DType, DTypeFacts> = {
  uint8: { code: ScalarType.BYTE, size: 1 },
  int8: { code: ScalarType.CHAR, size: 1 },
  int16: { code: ScalarType.SHORT, size: 2 },
  int32: { code: ScalarType.INT, size: 4 },
  int64: { code: ScalarType.LONG, size: 8 },
  float16: { code: ScalarType.HALF, size: 2 },
  float32: { code: ScalarType.FLOAT, size: 4 },
  float64: { code: ScalarType.DOUBLE, size: 8 },
  bool: { code: ScalarType.BOOL, size: 1 },
  qint8: { code: ScalarType.QINT8, size: 1 },
  quint8: { code: ScalarType.QUINT8, size: 1 },
  qint32: { code: ScalarType.QINT32, size: 4 },
  bfloat16: { code: ScalarType.BFLOAT16, size: 2 },
  quint4x2: { code: ScalarType.QUINT4X2, size: 1 },
  quint2x4: { code: ScalarType.QUINT2X4, size: 1 },
  bits16: { code: ScalarType.BITS16, size: 2 },
  float8_e5m2: { code: ScalarType.FLOAT8E5M2, size: 1 },
  float8_e4m3fn: { code: ScalarType.FLOAT8E4M3FN, size: 1 },
  float8_e5m2fnuz: { code: ScalarType.FLOAT8E5M2FNUZ, size: 1 },
  float8_e4m3fnuz: { code: ScalarType.FLOAT8E4M3FNUZ, size: 1 },
  uint16: { code: ScalarType.UINT16, size: 2 },
  uint32: { code: ScalarType.UINT32, size: 4 },
  uint64: { code: ScalarType.UINT64, size: 8 },
};

const BY_CODE = new Map<number, DType>(
  (Object.keys(FACTS) as DType[]).map((name) => [FACTS[name].code, name]),
);

/** Every dtype name, in ScalarType code order. */
export const DTYPES: readonly DType[] = [...BY_CODE.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);

/** The dtype for a ScalarType code; throws ProgramFormatError for codes not in the schema. */
export function dtypeFromCode(code: number, offset: number | null = null): DType {
  const name = BY_CODE.get(code);
  if (name === undefined) throw new ProgramFormatError(`unknown ScalarType ${code}`, { offset });
  return name;
}

export function dtypeCode(dtype: DType): ScalarType {
  return FACTS[dtype].code;
}

/** Bytes per element. */
export function dtypeSize(dtype: DType): number {
  return FACTS[dtype].size;
}

/** Element count of a shape; a 0-d tensor has one element. */
export function numel(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** nbytes = numel × element size, as the runtime computes it. */
export function tensorBytes(dtype: DType, shape: readonly number[]): number {
  return numel(shape) * dtypeSize(dtype);
}

/**
 * Data of one tensor in JS. Types without a JS counterpart (float16, bfloat16,
 * quantized and float8 types) are raw little-endian bytes in a Uint8Array;
 * bool is a Uint8Array of 0/1.
 */
export type TensorData =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array
  | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/**
 * Copies little-endian element bytes into a fresh typed array of the dtype's JS
 * type. The copy also fixes alignment: views into a file buffer are often not
 * aligned to the element size.
 */
export function tensorDataFromBytes(dtype: DType, bytes: Uint8Array): TensorData {
  const size = dtypeSize(dtype);
  if (bytes.length % size !== 0) {
    throw new ProgramFormatError(`${bytes.length} bytes is not a whole number of ${dtype} elements`);
  }
  const copy = new Uint8Array(bytes).buffer;
  const n = bytes.length / size;
  switch (dtype) {
    case 'float32': return new Float32Array(copy, 0, n);
    case 'float64': return new Float64Array(copy, 0, n);
    case 'int8': return new Int8Array(copy, 0, n);
    case 'int16': return new Int16Array(copy, 0, n);
    case 'int32': return new Int32Array(copy, 0, n);
    case 'int64': return new BigInt64Array(copy, 0, n);
    case 'uint16': return new Uint16Array(copy, 0, n);
    case 'uint32': return new Uint32Array(copy, 0, n);
    case 'uint64': return new BigUint64Array(copy, 0, n);
    default: return new Uint8Array(copy);
  }
}

/** The element bytes of a typed array (little-endian hosts: every Node target we run on). */
export function tensorDataToBytes(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A typed array of `dtype` holding `values` (numbers are converted; int64/uint64 via BigInt). */
export function tensorDataFromNumbers(dtype: DType, values: readonly number[]): TensorData {
  switch (dtype) {
    case 'float32': return Float32Array.from(values);
    case 'float64': return Float64Array.from(values);
    case 'int8': return Int8Array.from(values);
    case 'int16': return Int16Array.from(values);
    case 'int32': return Int32Array.from(values);
    case 'int64': return BigInt64Array.from(values, (v) => BigInt(v));
    case 'uint8': return Uint8Array.from(values);
    case 'bool': return Uint8Array.from(values, (v) => (v ? 1 : 0));
    case 'uint16': return Uint16Array.from(values);
    case 'uint32': return Uint32Array.from(values);
    case 'uint64': return BigUint64Array.from(values, (v) => BigInt(v));
    default: throw new ProgramFormatError(`cannot build ${dtype} data from numbers`, { field: 'dtype' });
  }
}
