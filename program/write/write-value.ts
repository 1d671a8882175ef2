/**
 * Serializes value-table entries (EValue + payload tables) with the generated
 * builders, from their ValueImage form (indices such as data_buffer_idx already
 * decided by the caller).
 */
import type * as flatbuffers from 'flatbuffers';
import {
  AllocationDetails, Bool, BoolList, DeviceType, Double, DoubleList, EValue, ExtraTensorInfo, Int, IntList, KernelTypes,
  Null, OptionalTensorList, String as StringValue, Tensor, TensorDataLocation, TensorList, TensorShapeDynamism,
} from '../generated/executorch-flatbuffer.js';
import { dtypeCode, tensorBytes } from '../dtype.js';
import { ProgramFormatError } from '../errors.js';
import type { TensorImage, ValueImage } from '../image.js';
import type { TensorSpec } from '../spec.js';
import type { Dynamism, ExtraTensorInfo as ExtraInfo } from '../types.js';

const DYNAMISM: Record<Dynamism, TensorShapeDynamism> = {
  static: TensorShapeDynamism.STATIC,
  dynamic_bound: TensorShapeDynamism.DYNAMIC_BOUND,
  dynamic_unbound: TensorShapeDynamism.DYNAMIC_UNBOUND,
};

export function contiguousDimOrder(rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => i);
}

export function isPermutation(order: readonly number[], rank: number): boolean {
  return order.length === rank && [...order].sort((a, b) => a - b).every((d, i) => d === i);
}

/** Spec checks the schema cannot express; `field` is the path used in errors. */
export function checkTensorSpec(t: TensorSpec, field: string): void {
  const dimOrder = t.dimOrder ?? contiguousDimOrder(t.shape.length);
  if (t.shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ProgramFormatError(`[${t.shape}] has a negative or non-integer size`, { field: `${field}.shape` });
  }
  if (!isPermutation(dimOrder, t.shape.length)) {
    throw new ProgramFormatError(`[${dimOrder}] is not a permutation of 0..${t.shape.length - 1}`, {
      field: `${field}.dimOrder`,
    });
  }
  const nbytes = tensorBytes(t.dtype, t.shape);
  for (const key of ['data', 'initialData'] as const) {
    const data = t[key];
    if (data !== undefined && data.length !== nbytes) {
      throw new ProgramFormatError(`${data.length} bytes given, ${t.dtype}[${t.shape}] needs ${nbytes}`, {
        field: `${field}.${key}`,
      });
    }
  }
  if (t.data !== undefined && t.allocation) {
    throw new ProgramFormatError('a constant cannot also be planned', { field: `${field}.allocation` });
  }
  if (t.initialData !== undefined && !t.allocation) {
    throw new ProgramFormatError('a tensor with an initial value must be planned', { field: `${field}.allocation` });
  }
  if (t.data !== undefined && t.initialData !== undefined) {
    throw new ProgramFormatError('give data (constant) or initialData (mutable), not both', { field });
  }
  if (t.allocation && (t.allocation.memoryId < 1 || t.allocation.offset < 0 || t.allocation.offset % 1 !== 0)) {
    throw new ProgramFormatError('memoryId must be >= 1 and offset a non-negative integer', {
      field: `${field}.allocation`,
    });
  }
}

/** The ExtraTensorInfo a spec tensor asks for, or null when it needs none. */
export function extraOf(t: TensorSpec): ExtraInfo | null {
  if (t.name === undefined && t.external !== true) return null;
  return {
    mutableDataSegmentsIndex: 0,
    fullyQualifiedName: t.name ?? null,
    location: t.external === true ? 'external' : 'segment',
    deviceType: 'cpu',
    deviceIndex: 0,
  };
}

function writeExtra(b: flatbuffers.Builder, e: ExtraInfo): flatbuffers.Offset {
  const name = e.fullyQualifiedName === null ? 0 : b.createString(e.fullyQualifiedName);
  ExtraTensorInfo.startExtraTensorInfo(b);
  ExtraTensorInfo.addMutableDataSegmentsIdx(b, BigInt(e.mutableDataSegmentsIndex));
  if (name !== 0) ExtraTensorInfo.addFullyQualifiedName(b, name);
  ExtraTensorInfo.addLocation(b, e.location === 'external' ? TensorDataLocation.EXTERNAL : TensorDataLocation.SEGMENT);
  ExtraTensorInfo.addDeviceType(b, e.deviceType === 'cuda' ? DeviceType.CUDA : DeviceType.CPU);
  ExtraTensorInfo.addDeviceIndex(b, e.deviceIndex);
  return ExtraTensorInfo.endExtraTensorInfo(b);
}

function writeTensor(b: flatbuffers.Builder, t: TensorImage): flatbuffers.Offset {
  const sizes = Tensor.createSizesVector(b, t.shape);
  const dimOrder = Tensor.createDimOrderVector(b, t.dimOrder);
  const alloc = t.allocation
    ? AllocationDetails.createAllocationDetails(
        b,
        t.allocation.memoryId,
        t.allocation.offset % 2 ** 32,
        Math.floor(t.allocation.offset / 2 ** 32),
      )
    : 0;
  const extra = t.extra === null ? 0 : writeExtra(b, t.extra);
  Tensor.startTensor(b);
  Tensor.addScalarType(b, dtypeCode(t.dtype));
  Tensor.addSizes(b, sizes);
  Tensor.addDimOrder(b, dimOrder);
  Tensor.addRequiresGrad(b, t.requiresGrad);
  Tensor.addDataBufferIdx(b, t.dataBufferIndex);
  if (alloc !== 0) Tensor.addAllocationInfo(b, alloc);
  Tensor.addShapeDynamism(b, DYNAMISM[t.dynamism]);
  if (extra !== 0) Tensor.addExtraTensorInfo(b, extra);
  return Tensor.endTensor(b);
}

/** Writes the payload table for one value and returns [discriminant, offset]. */
function writePayload(b: flatbuffers.Builder, v: ValueImage): [KernelTypes, flatbuffers.Offset] {
  switch (v.kind) {
    case 'Null':
      Null.startNull(b);
      return [KernelTypes.Null, Null.endNull(b)];
    case 'Int':
      return [KernelTypes.Int, Int.createInt(b, v.value)];
    case 'Bool':
      return [KernelTypes.Bool, Bool.createBool(b, v.value)];
    case 'Double':
      return [KernelTypes.Double, Double.createDouble(b, v.value)];
    case 'String':
      return [KernelTypes.String, StringValue.createString(b, b.createString(v.value))];
    case 'Tensor':
      return [KernelTypes.Tensor, writeTensor(b, v.tensor)];
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

export function writeValue(b: flatbuffers.Builder, v: ValueImage): flatbuffers.Offset {
  const [type, payload] = writePayload(b, v);
  return EValue.createEValue(b, type, payload);
}
