// Robust location and spread: medians, trimmed means and the median absolute deviation, which a
// few slow iterations (a page fault, a context switch) cannot drag the way they drag a mean.

function finite(xs: readonly number[], what: string): number[] {
  for (const x of xs) if (!Number.isFinite(x)) throw new RangeError(`${what}: every value must be a finite number, got ${x}`);
  return [...xs].sort((a, b) => a - b);
}

/** The middle value; the mean of the two middle values for an even count. NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = finite(xs, 'median');
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Mean after dropping floor(fraction x n) values from each end. NaN when empty. */
export function trimmedMean(xs: readonly number[], fraction = 0.1): number {
  if (!(fraction >= 0 && fraction < 0.5)) throw new RangeError(`trimmedMean: fraction must be in [0, 0.5), got ${fraction}`);
  if (xs.length === 0) return NaN;
  const s = finite(xs, 'trimmedMean');
  const cut = Math.floor(fraction * s.length);
  const kept = s.slice(cut, s.length - cut);
  return kept.reduce((a, b) => a + b, 0) / kept.length;
}

/** Median absolute deviation from the median (unscaled). NaN when empty. */
export function mad(xs: readonly number[]): number {
  const m = median(xs);
  return median(xs.map((x) => Math.abs(x - m)));
}

/**
 * Robust coefficient of variation in percent: 1.4826 x MAD / median x 100. The factor makes it
 * equal the ordinary CV for normally distributed data. 0 for fewer than two values.
 */
export function robustCvPct(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = median(xs);
  if (m === 0) return 0;
  return (1.4826 * mad(xs)) / Math.abs(m) * 100;
}
