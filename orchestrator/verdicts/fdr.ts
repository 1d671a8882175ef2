// Benjamini-Hochberg: which of many tests to call discoveries so that the expected share of
// false discoveries among them stays at or below q.

/** true for each p-value that is a discovery at false discovery rate q. NaN is never one. */
export function benjaminiHochberg(pValues: readonly number[], q: number): boolean[] {
  if (!(q > 0 && q < 1)) throw new RangeError(`benjaminiHochberg: q must be in (0, 1), got ${q}`);
  const valid = pValues.map((p, i) => ({ p, i })).filter(({ p }) => Number.isFinite(p));
  valid.sort((x, y) => x.p - y.p);
  const m = valid.length;
  let cutoff = -1; // largest k (0-based) with p_(k) <= (k + 1) / m * q
  for (let k = 0; k < m; k++) if (valid[k]!.p <= ((k + 1) / m) * q) cutoff = k;
  const out = pValues.map(() => false);
  for (let k = 0; k <= cutoff; k++) out[valid[k]!.i] = true;
  return out;
}
