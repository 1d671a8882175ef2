// The standard normal upper tail, from the reference's erfc (a power series near 0, a continued
// fraction in the tail, so small p-values keep their relative accuracy).

import { erfc } from '../../program/reference/erf.js';

/** P(Z > z) for a standard normal Z. */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const upper = erfc(Math.abs(z) / Math.SQRT2) / 2;
  return z >= 0 ? upper : 1 - upper;
}
