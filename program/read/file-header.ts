/**
 * The bytes before the flatbuffer tables: root offset, file identifier and the
 * optional `eh00` extended header of a `.pte` (pte-format.md §1.1–1.2).
 */
import { IncompatibleVersionError, ProgramFormatError } from '../errors.js';
import type { ExtendedHeader } from '../types.js';

export const PROGRAM_IDENTIFIER = 'ET12';
export const BUNDLED_IDENTIFIER = 'BP08';
const EXTENDED_HEADER_MAGIC = 'eh00';
const MIN_HEADER_LENGTH = 24;

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

/** Reads a little-endian u64 and insists it fits a JS number (files are < 2^53 bytes). */
function readU64(bytes: Uint8Array, offset: number, field: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const value = view.getBigUint64(offset, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ProgramFormatError(`extended header ${field} ${value} is too large`, { offset });
  }
  return Number(value);
}

/**
 * Checks bytes 4..7 against `expected` (e.g. "ET12"). Its first two letters name
 * the family shared by all schema versions (`ET` programs, `BP` bundles): the
 * same family with other digits is an incompatible version, anything else is
 * not this kind of file. `what` is the noun used in messages, with its article.
 */
export function checkIdentifier(bytes: Uint8Array, expected: string, what: string): void {
  if (bytes.length < 8) {
    throw new ProgramFormatError(
      `not ${what}: ${bytes.length} bytes is too short for a flatbuffer root offset and identifier`,
      { offset: 0 },
    );
  }
  const found = ascii(bytes, 4, 4);
  if (found === expected) return;
  if (found.startsWith(expected.slice(0, 2))) {
    throw new IncompatibleVersionError(
      `incompatible ${what.replace(/^an? /, '')} version: file identifier is "${found}", this reader supports "${expected}"`,
      found,
    );
  }
  const shown = JSON.stringify(found).slice(1, -1);
  throw new ProgramFormatError(`not ${what}: file identifier is "${shown}", expected "${expected}"`, { offset: 4 });
}

/** The extended header, or null when bytes 8..11 are not "eh00". Validates the loader rules. */
export function readExtendedHeader(bytes: Uint8Array): ExtendedHeader | null {
  if (bytes.length < 12 || ascii(bytes, 8, 4) !== EXTENDED_HEADER_MAGIC) return null;
  if (bytes.length < 8 + MIN_HEADER_LENGTH) {
    throw new ProgramFormatError(`extended header is truncated: file has only ${bytes.length} bytes`, { offset: 8 });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(12, true);
  if (headerLength < MIN_HEADER_LENGTH) {
    throw new ProgramFormatError(`extended header header_length ${headerLength} is below ${MIN_HEADER_LENGTH}`, {
      offset: 12,
    });
  }
  if (headerLength >= 32 && bytes.length < 40) {
    throw new ProgramFormatError(`extended header is truncated: file has only ${bytes.length} bytes`, { offset: 32 });
  }
  const header: ExtendedHeader = {
    headerLength,
    programSize: readU64(bytes, 16, 'program_size'),
    segmentBaseOffset: readU64(bytes, 24, 'segment_base_offset'),
    segmentDataSize: headerLength >= 32 ? readU64(bytes, 32, 'segment_data_size') : 0,
  };
  if (header.programSize < 8 + headerLength) {
    throw new ProgramFormatError(`extended header program_size ${header.programSize} is smaller than the header`, {
      offset: 16,
    });
  }
  if (header.programSize > bytes.length) {
    throw new ProgramFormatError(
      `file is truncated: program_size is ${header.programSize} bytes but the file has ${bytes.length}`,
      { offset: bytes.length },
    );
  }
  if (header.segmentBaseOffset !== 0 && header.segmentBaseOffset < header.programSize) {
    throw new ProgramFormatError(
      `extended header segment_base_offset ${header.segmentBaseOffset} lies inside the program (${header.programSize} bytes)`,
      { offset: 24 },
    );
  }
  // The reference loader's size rule (pte-format.md §1.2).
  const sized = header.segmentDataSize > 0 || header.segmentBaseOffset === 0;
  if (sized) {
    const required =
      header.segmentBaseOffset === 0 ? header.programSize : header.segmentBaseOffset + header.segmentDataSize;
    if (bytes.length < required) {
      throw new ProgramFormatError(`file is truncated: header says ${required} bytes but the file has ${bytes.length}`, {
        offset: bytes.length,
      });
    }
  }
  return header;
}

/** Checks the root table offset (bytes 0..3) points inside the flatbuffer part. */
export function checkRootOffset(bytes: Uint8Array, programSize: number): void {
  const root = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  if (root < 8 || root + 4 > programSize) {
    throw new ProgramFormatError(`root table offset ${root} is outside the flatbuffer (${programSize} bytes)`, {
      offset: 0,
    });
  }
}
