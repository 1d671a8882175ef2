/**
 * Serializes value-table entries (EValue + payload tables) with the generated
 * builders. Runs after the constants have been numbered, so a constant tensor
 * already knows its data_buffer_idx.
 */
import type * as flatbuffers from 'flatbuffers';
import {
  AllocationDetails, Bool, BoolList, Double, DoubleList, EValue, Int, IntList, KernelTypes, Null,
  OptionalTensorList, String as StringValue, Tensor, TensorList, TensorShapeDynamism,
} from '../generated/executorch-flatbuffer.js';
import { dtypeCode, tensorBytes } from '../dtype.js';
import { ProgramFormatError } from '../errors.js';
import type { TensorSpec, ValueSpec } from '../spec.js';
import type { Dynamism } from '../types.js';

const DYNAMISM: Record<Dynamism, TensorShapeDynamism> = {
  static: TensorShapeDynamism.STATIC,
  dynamic_bound: TensorShapeDynamism.DYNAMIC_BOUND,
  dynamic_unbound: TensorShapeDynamism.DYNAMIC_UNBOUND,
};

export function contiguousDimOrder(rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => i);
}

/** Spec checks the schema cannot express; `field` is the path used in errors. */
export function checkTensorSpec(t: TensorSpec, field: string): void {
  const dimOrder = t.dimOrder ?? contiguousDimOrder(t.shape.length);
  if (t.shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ProgramFormatError(`[${t.shape}] has a negative or non-integer size`, { field: `${field}.shape` });
  }
  if (dimOrder.length !== t.shape.length || [...dimOrder].sort((a, b) => a - b).some((d, i) => d !== i)) {
    throw new ProgramFormatError(`[${dimOrder}] is not a permutation of 0..${t.shape.length - 1}`, {
      field: `${field}.dimOrder`,
    });
  }
  if (t.data !== undefined) {
    const nbytes = tensorBytes(t.dtype, t.shape);
    if (t.data.length !== nbytes) {
      throw new ProgramFormatError(`${t.data.length} bytes given, ${t.dtype}[${t.shape}] needs ${nbytes}`, {
        field: `${field}.data`,
      });
    }
    if (t.allocation) throw new ProgramFormatError('a constant cannot also be planned', { field: `${field}.allocation` });
  }
  if (t.allocation && (t.allocation.memoryId < 1 || t.allocation.offset < 0 || t.allocation.offset % 1 !== 0)) {
    throw new ProgramFormatError('memoryId must be >= 1 and offset a non-negative integer', {
      field: `${field}.allocation`,
    });
  }
}

function writeTensor(b: flatbuffers.Builder, t: TensorSpec, dataBufferIdx: number): flatbuffers.Offset {
  const sizes = Tensor.createSizesVector(b, t.shape);
  const dimOrder = Tensor.createDimOrderVector(b, t.dimOrder ?? contiguousDimOrder(t.shape.length));
  const alloc = t.allocation
    ? AllocationDetails.createAllocationDetails(
        b,
        t.allocation.memoryId,
        t.allocation.offset % 2 ** 32,
        Math.floor(t.allocation.offset / 2 ** 32),
      )
    : 0;
  Tensor.startTensor(b);
  Tensor.addScalarType(b, dtypeCode(t.dtype));
  Tensor.addSizes(b, sizes);
  Tensor.addDimOrder(b, dimOrder);
  Tensor.addDataBufferIdx(b, dataBufferIdx);
  if (alloc !== 0) Tensor.addAllocationInfo(b, alloc);
  Tensor.addShapeDynamism(b, DYNAMISM[t.dynamism ?? 'static']);
  return Tensor.endTensor(b);
}

/** Writes the payload table for one value and returns [discriminant, offset]. */
function writePayload(b: flatbuffers.Builder, v: ValueSpec, dataBufferIdx: number): [KernelTypes, flatbuffers.Offset] {
  switch (v.kind) {
    case 'Null':
      Null.startNull(b);
      return [KernelTypes.Null, Null.endNull(b)];
    case 'Int':
      return [KernelTypes.Int, Int.createInt(b, BigInt(v.value))];
    case 'Bool':
      return [KernelTypes.Bool, Bool.createBool(b, v.value)];
    case 'Double':
      return [KernelTypes.Double, Double.createDouble(b, v.value)];
    case 'String':
      return [KernelTypes.String, StringValue.createString(b, b.createString(v.value))];
    case 'Tensor':
      return [KernelTypes.Tensor, writeTensor(b, v.tensor, dataBufferIdx)];
    case 'IntList':
      return [KernelTypes.IntList, IntList.createIntList(b, IntList.createItemsVector(b, v.items.map((x) => BigInt(x))))];
    case 'DoubleList':
      return [KernelTypes.DoubleList, DoubleList.createDoubleList(b, DoubleList.createItemsVector(b, v.items))];
    case 'BoolList':
      return [KernelTypes.BoolList, BoolList.createBoolList(b, BoolList.createItemsVector(b, v.items))];
    case 'TensorList':
      return [KernelTypes.TensorList, TensorList.createTensorList(b, TensorList.createItemsVector(b, v.items))];
    case 'OptionalTensorList':
      return [
        KernelTypes.OptionalTensorList,
        OptionalTensorList.createOptionalTensorList(b, OptionalTensorList.createItemsVector(b, v.items)),
      ];
  }
}

/** Writes an EValue; `dataBufferIdx` is only used for constant tensors (0 otherwise). */
export function writeValue(b: flatbuffers.Builder, v: ValueSpec, dataBufferIdx: number): flatbuffers.Offset {
  const [type, payload] = writePayload(b, v, dataBufferIdx);
  return EValue.createEValue(b, type, payload);
}
