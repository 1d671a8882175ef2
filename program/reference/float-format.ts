/**
 * Exact IEEE-754 rounding for the reference. Values are held in JS doubles;
 * a float32/float16/bfloat16 value is a double that the format can represent.
 * `roundExact` rounds an exact binary value `m · 2^e` (BigInt m) once, to
 * nearest with ties to even, so fused operations (a + alpha·b) and integer
 * conversions round exactly once instead of through an intermediate double.
 */

export interface FloatFormat {
  readonly name: string;
  /** Significand bits, the implicit bit included. */
  readonly precision: number;
  /** Exponent of the smallest normal number. */
  readonly emin: number;
  /** Exponent of the largest finite number. */
  readonly emax: number;
}

export const FLOAT64: FloatFormat = { name: 'float64', precision: 53, emin: -1022, emax: 1023 };
export const FLOAT32: FloatFormat = { name: 'float32', precision: 24, emin: -126, emax: 127 };
export const FLOAT16: FloatFormat = { name: 'float16', precision: 11, emin: -14, emax: 15 };
export const BFLOAT16: FloatFormat = { name: 'bfloat16', precision: 8, emin: -126, emax: 127 };

const view = new DataView(new ArrayBuffer(8));

/** x (finite) = m · 2^e exactly. */
function decompose(x: number): { m: bigint; e: number } {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e = -1074;
  if (biased !== 0) {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  return { m: hi >>> 31 ? -m : m, e };
}

/** n · 2^e for an integer-valued double n when the result is representable (no double rounding). */
function ldexp(n: number, e: number): number {
  while (e > 1000) { n *= 2 ** 1000; e -= 1000; }
  while (e < -1000) { n *= 2 ** -1000; e += 1000; }
  return n * 2 ** e;
}

const bitLength = (a: bigint): number => (a === 0n ? 0 : a.toString(2).length);

/** The value m · 2^e rounded once to `fmt` (ties to even, overflow to ±Infinity, underflow keeps the sign). */
export function roundExact(m: bigint, e: number, fmt: FloatFormat): number {
  if (m === 0n) return 0;
  const negative = m < 0n;
  let a = negative ? -m : m;
  const top = e + bitLength(a) - 1;
  const quantum = Math.max(top - (fmt.precision - 1), fmt.emin - (fmt.precision - 1));
  if (quantum > e) {
    const shift = BigInt(quantum - e);
    let r = a >> shift;
    const rest = a - (r << shift);
    const half = 1n << (shift - 1n);
    if (rest > half || (rest === half && (r & 1n) === 1n)) r += 1n;
    a = r;
    e = quantum;
  }
  if (a === 0n) return negative ? -0 : 0;
  if (e + bitLength(a) - 1 > fmt.emax) return negative ? -Infinity : Infinity;
  const v = ldexp(Number(a), e);
  return negative ? -v : v;
}

/** A double rounded once to `fmt`; NaN, infinities and signed zeros pass through. */
export function roundTo(x: number, fmt: FloatFormat): number {
  if (fmt === FLOAT64 || !Number.isFinite(x) || x === 0) return x;
  if (fmt === FLOAT32) return Math.fround(x);
  const { m, e } = decompose(x);
  return roundExact(m, e, fmt);
}

/** a · b + c with one rounding to `fmt` (an IEEE fused multiply-add). */
export function fusedMultiplyAdd(a: number, b: number, c: number, fmt: FloatFormat): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return roundTo(a * b + c, fmt);
  const x = decompose(a);
  const y = decompose(b);
  const z = decompose(c);
  const pm = x.m * y.m;
  const pe = x.e + y.e;
  const e = Math.min(pe, z.e);
  const sum = (pm << BigInt(pe - e)) + (z.m << BigInt(z.e - e));
  if (sum === 0n) {
    const productNegative = pm === 0n ? Object.is(a * b, -0) : pm < 0n;
    return productNegative && Object.is(c, -0) ? -0 : 0;
  }
  return roundExact(sum, e, fmt);
}

/** An integer converted to `fmt` with one rounding (what a hardware int → float conversion does). */
export function intToFloat(v: bigint, fmt: FloatFormat): number {
  return v === 0n ? 0 : roundExact(v, 0, fmt);
}

/** a / b for integers, correctly rounded to float64 (Python's int / int). */
export function divideIntsExact(a: bigint, b: bigint): number {
  const negative = (a < 0n) !== (b < 0n);
  const n = a < 0n ? -a : a;
  const d = b < 0n ? -b : b;
  if (n === 0n) return negative ? -0 : 0;
  const k = Math.max(0, 55 + bitLength(d) - bitLength(n));
  const q = (n << BigInt(k)) / d;
  const sticky = (n << BigInt(k)) - q * d === 0n ? 0n : 1n;
  const v = roundExact((q << 1n) | sticky, -k - 1, FLOAT64);
  return negative ? -v : v;
}

/** float16 bits → value. */
export function halfFromBits(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}

/** float16 value (already representable) → bits; NaN is 0x7e00. */
export function halfToBits(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === Infinity) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | Math.round(a * 2 ** 24);
  const exponent = Math.floor(Math.log2(a));
  const e = a >= 2 ** (exponent + 1) ? exponent + 1 : a < 2 ** exponent ? exponent - 1 : exponent;
  return sign | ((e + 15) << 10) | Math.round(a * 2 ** (10 - e) - 1024);
}

const f32 = new DataView(new ArrayBuffer(4));

export function bfloat16FromBits(bits: number): number {
  f32.setUint32(0, (bits & 0xffff) << 16);
  return f32.getFloat32(0);
}

/** bfloat16 value (already representable) → bits; NaN is 0x7fc0. */
export function bfloat16ToBits(v: number): number {
  if (Number.isNaN(v)) return 0x7fc0;
  f32.setFloat32(0, v);
  return f32.getUint32(0) >>> 16;
}
