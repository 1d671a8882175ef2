/**
 * Handles to values of a method being built, and the checks every tensor the
 * builder creates goes through (dtype name, shape, dim order, data length).
 */
import { DTYPES, dtypeSize, numel, tensorDataFromNumbers, tensorDataToBytes, type DType, type TensorData } from '../dtype.js';
import { ProgramBuildError, ShapeMismatchError, UnknownDTypeError } from '../errors.js';
import type { Dynamism, ValueKind } from '../types.js';

/** Facts about a tensor value that later calls (shape rules, test cases) need. */
export interface TensorFacts {
  dtype: DType;
  shape: readonly number[];
  dimOrder: readonly number[];
  dynamism: Dynamism;
}

/**
 * A value in one method's value table. Returned by every MethodBuilder call
 * that creates a value and accepted wherever an argument is expected; it may
 * only be used with the method that made it.
 */
export class ValueRef {
  /** @internal */
  constructor(
    /** The MethodBuilder that owns the value (compared by identity). */
    readonly owner: object,
    readonly method: string,
    /** Index in the method's value table. */
    readonly index: number,
    readonly kind: ValueKind,
    /** Set for Tensor values. */
    readonly tensor: TensorFacts | null,
  ) {}

  get dtype(): DType | undefined {
    return this.tensor?.dtype;
  }

  get shape(): readonly number[] | undefined {
    return this.tensor?.shape;
  }
}

/** Common options of every tensor the builder creates. */
export interface TensorOptions {
  dtype: DType;
  /** Logical sizes; for dynamic_bound tensors, the upper bound. */
  shape: number[];
  /** Physical order of the dims, outermost first; default contiguous. */
  dimOrder?: number[];
  /** `dynamic_bound`: the tensor may be resized down to any shape within `shape`. Default static. */
  dynamism?: Dynamism;
  /** extra_tensor_info.fully_qualified_name; also the name shown in memory-plan reports. */
  name?: string;
}

/** Options of planned tensors (inputs, intermediates, mutable buffers). */
export interface PlannedOptions extends TensorOptions {
  /** Arena (1-based memory id) to plan into; default 1. */
  memoryId?: number;
  /**
   * false: not memory-planned; the caller (set_input), a kernel (et_view) or a
   * delegate supplies the data pointer at run time. Default true.
   */
  planned?: boolean;
}

/** Element values: a typed array of the dtype's JS type, raw little-endian bytes, or plain numbers. */
export type TensorValues = TensorData | readonly number[] | readonly bigint[];

export function checkTensorOptions(o: TensorOptions, where: string): TensorFacts {
  if (!DTYPES.includes(o.dtype)) throw new UnknownDTypeError(String(o.dtype), where);
  if (!Array.isArray(o.shape) || o.shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ProgramBuildError(`shape [${String(o.shape)}] must be a list of non-negative integers`, where);
  }
  const dimOrder = o.dimOrder ?? o.shape.map((_, i) => i);
  if (dimOrder.length !== o.shape.length || [...dimOrder].sort((a, b) => a - b).some((d, i) => d !== i)) {
    throw new ShapeMismatchError(
      `dim order [${dimOrder}] is not a permutation of 0..${o.shape.length - 1} (rank ${o.shape.length})`,
      where,
      o.shape.map((_, i) => i),
      dimOrder,
    );
  }
  const dynamism = o.dynamism ?? 'static';
  if (!['static', 'dynamic_bound', 'dynamic_unbound'].includes(dynamism)) {
    throw new ProgramBuildError(`unknown dynamism '${String(dynamism)}'`, where);
  }
  return { dtype: o.dtype, shape: [...o.shape], dimOrder: [...dimOrder], dynamism };
}

/**
 * The bytes of `values` for a tensor of `dtype` and `shape`, in the tensor's
 * memory order (which the caller is responsible for when dimOrder is not contiguous).
 * @throws ShapeMismatchError when the element count or byte length is wrong.
 */
export function tensorBytesOf(dtype: DType, shape: readonly number[], values: TensorValues, where: string): Uint8Array {
  const n = numel(shape);
  let bytes: Uint8Array;
  if (ArrayBuffer.isView(values)) {
    const expected = jsArrayName(dtype);
    if (!(values instanceof Uint8Array) && values.constructor.name !== expected) {
      throw new ProgramBuildError(`${values.constructor.name} given for ${dtype} data (use ${expected} or raw bytes in a Uint8Array)`, where);
    }
    bytes = new Uint8Array(tensorDataToBytes(values));
  } else {
    const list = values as readonly (number | bigint)[];
    if (list.length !== n) {
      throw new ShapeMismatchError(`${list.length} values given, shape [${shape}] holds ${n}`, where, [n], [list.length]);
    }
    try {
      const data =
        dtype === 'int64' ? BigInt64Array.from(list, (v) => BigInt(v))
        : dtype === 'uint64' ? BigUint64Array.from(list, (v) => BigInt(v))
        : tensorDataFromNumbers(dtype, list.map((v) => Number(v)));
      bytes = new Uint8Array(tensorDataToBytes(data));
    } catch (cause) {
      throw new ProgramBuildError(`cannot make ${dtype} data from these values (${(cause as Error).message}); give raw bytes as a Uint8Array`, where, { cause });
    }
  }
  const size = n * dtypeSize(dtype);
  if (bytes.length !== size) {
    throw new ShapeMismatchError(`${bytes.length} bytes given, ${dtype}[${shape}] needs ${size}`, where, [size], [bytes.length]);
  }
  return bytes;
}

/** The typed array readers hand out for `dtype` (Uint8Array for raw-byte types). */
function jsArrayName(dtype: DType): string {
  try {
    return tensorDataFromNumbers(dtype, []).constructor.name;
  } catch {
    return 'Uint8Array';
  }
}
