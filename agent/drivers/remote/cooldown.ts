// The optional wait before a job until the device has cooled below a threshold: heat left by the
// previous job throttles the clocks of the next one, so its numbers would not be comparable.

export interface Cooldown {
  threshold_c: number;
  waited_ms: number;
  /** false: the wait ran out (or nothing reported a temperature) and the job ran anyway. */
  reached: boolean;
  /** The last temperature read, degrees Celsius. */
  temperature_c: number | null;
}

export async function waitCool(
  read: () => Promise<number | null>,
  thresholdC: number,
  options: { timeoutMs: number; pollMs?: number; signal?: AbortSignal | null },
): Promise<Cooldown> {
  const started = performance.now();
  const poll = options.pollMs ?? 1000;
  for (;;) {
    const t = await read();
    const waited = performance.now() - started;
    const done = (reached: boolean): Cooldown => ({ threshold_c: thresholdC, waited_ms: Math.round(waited), reached, temperature_c: t });
    if (t === null) return done(false);
    if (t <= thresholdC) return done(true);
    if (waited + poll > options.timeoutMs || options.signal?.aborted === true) return done(false);
    await new Promise((resolve) => setTimeout(resolve, poll));
  }
}
