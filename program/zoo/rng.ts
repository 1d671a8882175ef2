/**
 * The zoo's seeded random numbers: SplitMix64 over BigInt-free 32-bit halves
 * (the same sequence on every platform), uniform and normal draws. Weights,
 * batch-norm statistics and test inputs all come from here, so one seed gives
 * the same bytes everywhere.
 */
export class ZooRng {
  private hi: number;
  private lo: number;

  constructor(seed: number, stream: string) {
    // Mix the stream name into the seed so each parameter draws its own sequence.
    let h = 0x811c9dc5 ^ (seed >>> 0);
    for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193) >>> 0;
    this.hi = (h ^ Math.floor(seed / 0x100000000)) >>> 0;
    this.lo = Math.imul(h, 0x9e3779b1) >>> 0;
  }

  /** A uint32 (xorshift128-style mixing of a 64-bit state, then a Murmur3 finaliser). */
  private next32(): number {
    // Weyl step by 0x9E3779B97F4A7C15 on (hi, lo).
    const lo = (this.lo + 0x7f4a7c15) >>> 0;
    const carry = lo < this.lo ? 1 : 0;
    this.hi = (this.hi + 0x9e3779b9 + carry) >>> 0;
    this.lo = lo;
    let z = (this.hi ^ Math.imul(this.lo, 0x85ebca6b)) >>> 0;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.next32() >>> 5;
    const b = this.next32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  private spare: number | null = null;

  /** Standard normal (Box-Muller; each pair of uniforms gives two draws). */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const a = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(a);
    return r * Math.cos(a);
  }
}

/** `count` float32 values from `draw`. */
export function fill(count: number, draw: () => number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = draw();
  return out;
}
