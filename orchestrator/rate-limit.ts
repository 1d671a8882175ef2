// Token buckets for the client API, one per caller (token, or peer address when there is no
// token): `burst` calls at once, refilled at `perSecond`. A caller out of tokens is told how long
// to wait, so clients can back off instead of hammering. Agents are not limited here: their
// streams carry the farm's own work.

export interface RateLimitOptions {
  /** Sustained calls per second per caller; 0 turns limiting off. */
  perSecond: number;
  /** Calls a caller may make at once after being quiet. */
  burst: number;
}

export function parseRateLimit(spec: string): RateLimitOptions {
  const m = /^(\d+(?:\.\d+)?)(?:\/s)?(?:,(\d+))?$/.exec(spec.trim());
  if (m === null) throw new Error(`rate limit must be N[/s][,BURST] (e.g. 20/s,40), got '${spec}'`);
  const perSecond = Number(m[1]);
  return { perSecond, burst: m[2] === undefined ? Math.max(1, Math.ceil(perSecond * 2)) : Math.max(1, Number(m[2])) };
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(private readonly options: RateLimitOptions, private readonly now: () => number = Date.now) {}

  /** 0 when the call may go ahead (and is counted), else milliseconds until it may. */
  take(caller: string): number {
    const { perSecond, burst } = this.options;
    if (perSecond <= 0) return 0;
    const now = this.now();
    const bucket = this.buckets.get(caller) ?? { tokens: burst, atMs: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.atMs) / 1000) * perSecond);
    bucket.atMs = now;
    this.buckets.set(caller, bucket);
    if (this.buckets.size > 100_000) this.forgetFull();
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / perSecond) * 1000);
  }

  /** Full buckets carry no state worth keeping: drop them so that many callers cannot grow the map forever. */
  private forgetFull(): void {
    const now = this.now();
    for (const [caller, b] of this.buckets) {
      if (b.tokens + ((now - b.atMs) / 1000) * this.options.perSecond >= this.options.burst) this.buckets.delete(caller);
    }
  }
}
