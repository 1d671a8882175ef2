/**
 * Seeded tensor values for suite cases: the same seed gives the same values on
 * every platform (mulberry32), so suite files are byte-stable.
 */
import type { DType } from '../../dtype.js';

/** mulberry32: a tiny 32-bit PRNG whose output is identical everywhere. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string: the default seed of a case, from its operator and name. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  uint8: [0, 255], int8: [-128, 127], int16: [-32768, 32767], int32: [-2147483648, 2147483647],
  int64: [-(2 ** 53), 2 ** 53], uint16: [0, 65535], uint32: [0, 4294967295],
};

export const isFloatDType = (d: DType): boolean => d === 'float32' || d === 'float64' || d === 'float16' || d === 'bfloat16';

/**
 * `count` seeded values of `dtype` in [lo, hi] (floats in [lo, hi)); default range
 * floats [-1, 1), integers [-100, 100] clipped to the dtype, bool 0/1. int64 values are bigints.
 */
export function seededValues(dtype: DType, count: number, seed: number, range?: [number, number]): number[] | bigint[] {
  const next = prng(seed);
  if (dtype === 'bool') return Array.from({ length: count }, () => (next() < 0.5 ? 0 : 1));
  if (isFloatDType(dtype)) {
    const [lo, hi] = range ?? [-1, 1];
    return Array.from({ length: count }, () => lo + next() * (hi - lo));
  }
  const limits = INT_RANGE[dtype] ?? [-100, 100];
  const lo = Math.max(Math.ceil((range ?? [-100, 100])[0]), limits[0]);
  const hi = Math.min(Math.floor((range ?? [-100, 100])[1]), limits[1]);
  const ints = Array.from({ length: count }, () => lo + Math.floor(next() * (hi - lo + 1)));
  return dtype === 'int64' || dtype === 'uint64' ? ints.map((v) => BigInt(v)) : ints;
}

/** Given values as the reference holds them: int64/uint64 as bigints, bool as 0/1, others as numbers. */
export function normalizeValues(dtype: DType, data: readonly (number | bigint | boolean)[]): number[] | bigint[] {
  if (dtype === 'int64' || dtype === 'uint64') return data.map((v) => (typeof v === 'bigint' ? v : BigInt(Number(v))));
  return data.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : Number(v)));
}
