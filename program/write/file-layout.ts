/**
 * Turns a finished flatbuffer plus segment payloads into a `.pte` file, the way
 * the ExecuTorch exporter does (pte-format.md §1.3): insert the `eh00` header
 * after byte 8, then append the segments at aligned offsets.
 */
import { ProgramFormatError } from '../errors.js';

export const DEFAULT_SEGMENT_ALIGNMENT = 128;
/** 32 bytes of header fields, already a multiple of the 16-byte maximum force_align we emit. */
const PADDED_HEADER_LENGTH = 32;

export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

export function checkAlignment(alignment: number, what: string): void {
  if (!Number.isInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0) {
    throw new ProgramFormatError(`${alignment} is not a power of two`, { field: what });
  }
}

/** Offsets of segments relative to segment_base_offset, each aligned to `alignment`. */
export function layoutSegments(sizes: readonly number[], alignment: number): { offset: number; size: number }[] {
  let end = 0;
  return sizes.map((size) => {
    const offset = alignUp(end, alignment);
    end = offset + size;
    return { offset, size };
  });
}

/**
 * Builds the file. With no segment bytes at all the exporter writes no header,
 * and neither do we: the file is the flatbuffer itself. `headerLength` 24 writes
 * the older header without segment_data_size (the field's bytes stay zero).
 */
export function assembleFile(
  flatbuffer: Uint8Array,
  segments: readonly Uint8Array[],
  layout: readonly { offset: number; size: number }[],
  segmentAlignment: number,
  headerLength: 24 | 32 = 32,
): Uint8Array {
  const dataSize = layout.reduce((end, s) => Math.max(end, s.offset + s.size), 0);
  if (dataSize === 0) return flatbuffer.slice();

  const programSize = PADDED_HEADER_LENGTH + flatbuffer.length;
  const segmentBase = alignUp(programSize, segmentAlignment);
  const file = new Uint8Array(segmentBase + dataSize);
  const view = new DataView(file.buffer);
  // Every flatbuffer offset except the root one is relative, so shifting the
  // tail by a multiple of its alignment keeps them valid.
  view.setUint32(0, new DataView(flatbuffer.buffer, flatbuffer.byteOffset).getUint32(0, true) + PADDED_HEADER_LENGTH, true);
  file.set(flatbuffer.subarray(4, 8), 4);
  file.set([0x65, 0x68, 0x30, 0x30], 8); // "eh00"
  view.setUint32(12, headerLength, true);
  view.setBigUint64(16, BigInt(programSize), true);
  view.setBigUint64(24, BigInt(segmentBase), true);
  if (headerLength >= 32) view.setBigUint64(32, BigInt(dataSize), true);
  file.set(flatbuffer.subarray(8), 8 + PADDED_HEADER_LENGTH);
  segments.forEach((bytes, i) => {
    const place = layout[i];
    if (place === undefined || place.size !== bytes.length) throw new Error(`segment ${i} does not match its layout`);
    file.set(bytes, segmentBase + place.offset);
  });
  return file;
}
