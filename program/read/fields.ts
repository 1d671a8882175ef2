/**
 * Small helpers over generated accessors: presence of a field (generated code
 * returns 0/empty for absent fields, which hides "required field missing") and
 * list reads that never yield null.
 */
import type * as flatbuffers from 'flatbuffers';
import { ProgramFormatError, within } from '../errors.js';

/** A generated table object: bb and bb_pos are public in flatc's TypeScript output. */
export interface TableLike {
  bb: flatbuffers.ByteBuffer | null;
  bb_pos: number;
}

/** True when the field in `slot` (declaration order, see native/schema) is present. */
export function hasField(table: TableLike, slot: number): boolean {
  if (table.bb === null) return false;
  return table.bb.__offset(table.bb_pos, 4 + 2 * slot) !== 0;
}

export function requireField(table: TableLike, slot: number, name: string): void {
  if (!hasField(table, slot)) {
    throw new ProgramFormatError('required field is missing', { field: name, offset: table.bb_pos });
  }
}

/** Reads `length` items; a null item (absent element) is a format error naming the field. */
export function list<T>(length: number, get: (i: number) => T | null, name: string): T[] {
  const out: T[] = [];
  for (let i = 0; i < length; i++) {
    const item = within(`${name}[${i}]`, () => get(i));
    if (item === null) throw new ProgramFormatError('element is missing', { field: `${name}[${i}]` });
    out.push(item);
  }
  return out;
}

/** A u64/i64 read as bigint, converted to a JS number when it is a safe integer. */
export function safeNumber(value: bigint, name: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ProgramFormatError(`${value} does not fit in a JS number`, { field: name });
  }
  return Number(value);
}
