/**
 * Decodes one EValue of a method's value table (pte-format.md §3–5).
 */
import {
  Bool, BoolList, Double, DoubleList, EValue, Int, IntList, KernelTypes, OptionalTensorList,
  String as StringValue, Tensor, TensorDataLocation, TensorList, TensorShapeDynamism, DeviceType,
} from '../generated/executorch-flatbuffer.js';
import { dtypeFromCode, tensorBytes } from '../dtype.js';
import { ProgramFormatError, within } from '../errors.js';
import type { Dynamism, ExtraTensorInfo, TensorInfo, TensorPlacement, ValueInfo } from '../types.js';
import { list, requireField, safeNumber } from './fields.js';

const MAX_RANK = 16;

function dynamismName(code: number): Dynamism {
  switch (code) {
    case TensorShapeDynamism.STATIC: return 'static';
    case TensorShapeDynamism.DYNAMIC_BOUND: return 'dynamic_bound';
    case TensorShapeDynamism.DYNAMIC_UNBOUND: return 'dynamic_unbound';
    default: throw new ProgramFormatError(`unknown value ${code}`, { field: 'shape_dynamism' });
  }
}

export function deviceName(code: number): 'cpu' | 'cuda' {
  if (code === DeviceType.CPU) return 'cpu';
  if (code === DeviceType.CUDA) return 'cuda';
  throw new ProgramFormatError(`unknown value ${code}`, { field: 'device_type' });
}

function readExtra(tensor: Tensor): ExtraTensorInfo | null {
  const extra = tensor.extraTensorInfo();
  if (extra === null) return null;
  const location = extra.location();
  if (location !== TensorDataLocation.SEGMENT && location !== TensorDataLocation.EXTERNAL) {
    throw new ProgramFormatError(`unknown value ${location}`, { field: 'location' });
  }
  return {
    mutableDataSegmentsIndex: safeNumber(extra.mutableDataSegmentsIdx(), 'extra_tensor_info.mutable_data_segments_idx'),
    fullyQualifiedName: extra.fullyQualifiedName(),
    location: location === TensorDataLocation.EXTERNAL ? 'external' : 'segment',
    deviceType: deviceName(extra.deviceType()),
    deviceIndex: extra.deviceIndex(),
  };
}

function placementOf(dataBufferIndex: number, planned: boolean, extra: ExtraTensorInfo | null): TensorPlacement {
  if (extra?.location === 'external') return 'external';
  if (planned) return dataBufferIndex > 0 ? 'planned_initialized' : 'planned';
  return dataBufferIndex > 0 ? 'constant' : 'unplanned';
}

export function readTensor(tensor: Tensor): TensorInfo {
  requireField(tensor, 2, 'sizes');
  requireField(tensor, 3, 'dim_order');
  const dtype = within('scalar_type', () => dtypeFromCode(tensor.scalarType()));
  const shape = list(tensor.sizesLength(), (i) => tensor.sizes(i), 'sizes');
  const dimOrder = list(tensor.dimOrderLength(), (i) => tensor.dimOrder(i), 'dim_order');
  if (shape.length > MAX_RANK) throw new ProgramFormatError(`rank ${shape.length} exceeds ${MAX_RANK}`, { field: 'sizes' });
  shape.forEach((d, i) => {
    if (d < 0) throw new ProgramFormatError(`negative size ${d}`, { field: `sizes[${i}]` });
  });
  if (dimOrder.length !== shape.length || [...dimOrder].sort((a, b) => a - b).some((d, i) => d !== i)) {
    throw new ProgramFormatError(`[${dimOrder}] is not a permutation of 0..${shape.length - 1}`, { field: 'dim_order' });
  }
  if (tensor.storageOffset() !== 0) {
    throw new ProgramFormatError(`must be 0, found ${tensor.storageOffset()}`, { field: 'storage_offset' });
  }
  const alloc = tensor.allocationInfo();
  const allocation =
    alloc === null
      ? null
      : {
          memoryId: alloc.memoryId(),
          offset: alloc.memoryOffsetLow() + alloc.memoryOffsetHigh() * 2 ** 32,
        };
  if (allocation !== null && allocation.memoryId === 0) {
    throw new ProgramFormatError('is 0 (ids are 1-based)', { field: 'allocation_info.memory_id' });
  }
  const extra = within('extra_tensor_info', () => readExtra(tensor));
  const dataBufferIndex = tensor.dataBufferIdx();
  return {
    dtype,
    shape,
    dimOrder,
    dynamism: dynamismName(tensor.shapeDynamism()),
    requiresGrad: tensor.requiresGrad(),
    dataBufferIndex,
    allocation,
    placement: placementOf(dataBufferIndex, allocation !== null, extra),
    nbytes: tensorBytes(dtype, shape),
    extra,
  };
}

/** Decodes values[index]; the payload table type is picked by the union discriminant. */
export function readValue(evalue: EValue): ValueInfo {
  const type = evalue.valType();
  const payload = <T>(obj: T): T => {
    const got = evalue.val(obj) as T | null;
    if (got === null) throw new ProgramFormatError(`${KernelTypes[type]} payload is missing`, { offset: evalue.bb_pos });
    return got;
  };
  switch (type) {
    case KernelTypes.Null:
      return { kind: 'Null' };
    case KernelTypes.Int:
      return { kind: 'Int', value: payload(new Int()).intVal() };
    case KernelTypes.Bool:
      return { kind: 'Bool', value: payload(new Bool()).boolVal() };
    case KernelTypes.Double:
      return { kind: 'Double', value: payload(new Double()).doubleVal() };
    case KernelTypes.String:
      return { kind: 'String', value: payload(new StringValue()).stringVal() ?? '' };
    case KernelTypes.Tensor:
      return { kind: 'Tensor', tensor: readTensor(payload(new Tensor())) };
    case KernelTypes.IntList: {
      const v = payload(new IntList());
      const items = list(v.itemsLength(), (i) => v.items(i), 'items');
      return { kind: 'IntList', items: items.map((x, i) => safeNumber(x, `items[${i}]`)) };
    }
    case KernelTypes.DoubleList: {
      const v = payload(new DoubleList());
      return { kind: 'DoubleList', items: list(v.itemsLength(), (i) => v.items(i), 'items') };
    }
    case KernelTypes.BoolList: {
      const v = payload(new BoolList());
      return { kind: 'BoolList', items: list(v.itemsLength(), (i) => v.items(i), 'items') };
    }
    case KernelTypes.TensorList: {
      const v = payload(new TensorList());
      return { kind: 'TensorList', items: list(v.itemsLength(), (i) => v.items(i), 'items') };
    }
    case KernelTypes.OptionalTensorList: {
      const v = payload(new OptionalTensorList());
      return { kind: 'OptionalTensorList', items: list(v.itemsLength(), (i) => v.items(i), 'items') };
    }
    default:
      throw new ProgramFormatError(`val_type ${type} is not a known EValue kind (NONE is invalid)`, {
        offset: evalue.bb_pos,
      });
  }
}

/** Cross-value checks the table format cannot express: list items must point at the right kinds. */
export function checkValueReferences(values: readonly ValueInfo[]): void {
  const expect = (where: string, index: number, kinds: readonly string[]): void => {
    const target = values[index];
    if (target === undefined || !kinds.includes(target.kind)) {
      const found = target === undefined ? 'out of range' : target.kind;
      throw new ProgramFormatError(`${where} = ${index} must refer to ${kinds.join(' or ')} (found ${found})`);
    }
  };
  values.forEach((v, i) => {
    if (v.kind === 'IntList') v.items.forEach((x, j) => expect(`values[${i}].items[${j}]`, x, ['Int']));
    if (v.kind === 'TensorList') v.items.forEach((x, j) => expect(`values[${i}].items[${j}]`, x, ['Tensor']));
    if (v.kind === 'OptionalTensorList') {
      // -1 is how the exporter writes an absent optional tensor (e.g. index_put's `None` indices).
      v.items.forEach((x, j) => {
        if (x !== -1) expect(`values[${i}].items[${j}]`, x, ['Tensor', 'Null']);
      });
    }
  });
}
