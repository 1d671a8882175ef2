/**
 * Fetches the bytes of a constant tensor (pte-format.md §5.1): from the constant
 * segment when constant_segment.offsets has more than the placeholder entry,
 * else from the legacy inline constant_buffer.
 */
import { ProgramFormatError } from '../errors.js';
import type { ProgramInfo, TensorInfo } from '../types.js';

/**
 * Returns a copy of the constant data of `tensor` (whose placement must be
 * `constant`), read from `bytes`, the same file `info` was read from.
 * @throws ProgramFormatError when the tensor is not a constant or its bytes fall
 *   outside the segment or buffer that should hold them.
 */
export function readConstantData(bytes: Uint8Array, info: ProgramInfo, tensor: TensorInfo): Uint8Array {
  const k = tensor.dataBufferIndex;
  if (tensor.placement !== 'constant' || k === 0) {
    throw new ProgramFormatError(`tensor is ${tensor.placement}, not a constant`, { field: 'data_buffer_idx' });
  }
  const { constants } = info;
  let start: number;
  let available: number;
  if (constants.storage === 'segment') {
    const offset = constants.offsets[k];
    const segment = constants.segmentIndex === null ? undefined : info.segments[constants.segmentIndex];
    if (offset === undefined) {
      throw new ProgramFormatError(`index ${k} is out of range (${constants.offsets.length} constant offsets)`, {
        field: 'data_buffer_idx',
      });
    }
    // An empty segment is written without segment data (fileOffset null): it holds only empty constants.
    if (segment !== undefined && segment.size === 0 && tensor.nbytes === 0) return new Uint8Array(0);
    if (segment === undefined || segment.fileOffset === null) {
      throw new ProgramFormatError('the constant segment is not loadable', { field: 'constant_segment' });
    }
    start = segment.fileOffset + offset;
    available = segment.size - offset;
  } else if (constants.storage === 'legacy_buffer') {
    const buffer = constants.legacyBuffers[k];
    if (buffer === undefined) {
      throw new ProgramFormatError(`index ${k} is out of range (${constants.legacyBuffers.length} constant buffers)`, {
        field: 'data_buffer_idx',
      });
    }
    start = buffer.fileOffset;
    available = buffer.size;
  } else {
    throw new ProgramFormatError('program has no constant data', { field: 'data_buffer_idx' });
  }
  if (tensor.nbytes > available || start + tensor.nbytes > bytes.length) {
    throw new ProgramFormatError(`constant ${k} needs ${tensor.nbytes} bytes but only ${Math.max(available, 0)} are there`, {
      field: 'data_buffer_idx',
      offset: start,
    });
  }
  // new Uint8Array(view) copies; Buffer#slice would alias when `bytes` is a Node Buffer.
  return new Uint8Array(bytes.subarray(start, start + tensor.nbytes));
}

/**
 * Returns a copy of the initial value of a `planned_initialized` tensor (mutable
 * state such as a KV cache with stored initial values): entry `data_buffer_idx`
 * of the mutable data segment its extra info names (default the first).
 * @throws ProgramFormatError when the tensor has no initial value or its bytes
 *   fall outside the segment.
 */
export function readMutableInitialData(bytes: Uint8Array, info: ProgramInfo, tensor: TensorInfo): Uint8Array {
  if (tensor.placement !== 'planned_initialized') {
    throw new ProgramFormatError(`tensor is ${tensor.placement}, not planned with an initial value`, { field: 'data_buffer_idx' });
  }
  const which = tensor.extra?.mutableDataSegmentsIndex ?? 0;
  const table = info.mutableDataSegments[which];
  if (table === undefined) {
    throw new ProgramFormatError(`mutable data segment ${which} does not exist (${info.mutableDataSegments.length})`, { field: 'mutable_data_segments' });
  }
  const offset = table.offsets[tensor.dataBufferIndex];
  const segment = info.segments[table.segmentIndex];
  if (offset === undefined || segment === undefined || segment.fileOffset === null) {
    throw new ProgramFormatError(`initial value ${tensor.dataBufferIndex} is not in mutable data segment ${which}`, { field: 'data_buffer_idx' });
  }
  const start = segment.fileOffset + offset;
  if (offset + tensor.nbytes > segment.size || start + tensor.nbytes > bytes.length) {
    throw new ProgramFormatError(`initial value ${tensor.dataBufferIndex} needs ${tensor.nbytes} bytes beyond its segment`, { field: 'data_buffer_idx', offset: start });
  }
  return new Uint8Array(bytes.subarray(start, start + tensor.nbytes));
}
