/**
 * A flatbuffers ByteBuffer whose every read is bounds-checked.
 *
 * The npm `flatbuffers` runtime has no verifier: reading past the end of a
 * Uint8Array yields `undefined` (silently 0) and typed-array views throw a bare
 * RangeError. The generated accessors funnel every scalar read through
 * readUint8/readUint16/readInt32 and every string/vector through __string and
 * __vector_len, so checking those few methods bounds-checks the whole schema.
 * Out-of-range reads throw ProgramFormatError with the absolute offset, which
 * `within()` then prefixes with the field path.
 */
import * as flatbuffers from 'flatbuffers';
import { ProgramFormatError } from '../errors.js';

export class CheckedByteBuffer extends flatbuffers.ByteBuffer {
  /** Bytes that may be read (the flatbuffer part of the file). */
  private readonly limit: number;
  /** Added to offsets in error messages, for buffers that are a slice of a file. */
  private readonly base: number;
  private readonly region: string;

  constructor(bytes: Uint8Array, region = 'flatbuffer', base = 0) {
    super(bytes);
    this.limit = bytes.length;
    this.base = base;
    this.region = region;
  }

  private check(offset: number, size: number, what: string): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + size > this.limit) {
      throw new ProgramFormatError(
        `${what} of ${size} bytes is outside the ${this.region} (${this.limit} bytes; truncated or corrupt file)`,
        { offset: Number.isInteger(offset) && offset >= 0 ? offset + this.base : null },
      );
    }
  }

  override readUint8(offset: number): number {
    this.check(offset, 1, 'read');
    return super.readUint8(offset);
  }

  override readUint16(offset: number): number {
    this.check(offset, 2, 'read');
    return super.readUint16(offset);
  }

  override readInt32(offset: number): number {
    this.check(offset, 4, 'read');
    return super.readInt32(offset);
  }

  override __vector_len(offset: number): number {
    const start = offset + this.readInt32(offset);
    const length = this.readInt32(start);
    // Every element is at least one byte, so this bounds the byte views that
    // generated `xxxArray()` accessors create and any loop over the length.
    if (length < 0) throw new ProgramFormatError(`negative vector length ${length}`, { offset: start + this.base });
    this.check(start + 4, length, 'vector');
    return length;
  }

  override __string(offset: number, encoding?: flatbuffers.Encoding): string | Uint8Array {
    const start = offset + this.readInt32(offset);
    const length = this.readInt32(start);
    if (length < 0) throw new ProgramFormatError(`negative string length ${length}`, { offset: start + this.base });
    // Like the C++ verifier, insist on the NUL terminator: it is often the last
    // byte of a file, so this is what catches a one-byte truncation.
    this.check(start + 4, length + 1, 'string');
    if (super.readUint8(start + 4 + length) !== 0) {
      throw new ProgramFormatError('string is not NUL-terminated', { offset: start + 4 + length + this.base });
    }
    return super.__string(offset, encoding);
  }
}

/**
 * Absolute offset (within the checked buffer) of the first element of a byte
 * vector, from the generated `xxxArray()` view: views share the buffer, so the
 * difference of byteOffsets is the position.
 */
export function viewOffset(view: Uint8Array, whole: Uint8Array): number {
  return view.byteOffset - whole.byteOffset;
}
