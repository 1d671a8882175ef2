// The conditions gate before every trial: the device's conditions are read and, while they are
// outside the thresholds of its kind (too hot, too loaded, battery too low or unplugged), the
// agent waits, re-reading them, for at most the gate's timeout; then the trial runs anyway and
// its record says so. Thresholds are per device kind (host, board, phone, ...) with documented
// defaults (docs/trials.md) that `etbench agent --gate` overrides.

export interface GateThresholds {
  /** Hottest thermal zone, degrees Celsius; null: not checked. */
  maxTemperatureC: number | null;
  /** One-minute load average; null: not checked. */
  maxLoad: number | null;
  /** Battery charge, percent; null: not checked. */
  minBatteryPct: number | null;
  /** Wait while the battery reports Discharging (a phone must be on its charger). */
  requireCharging: boolean;
  /** Longest wait before the trial runs anyway. */
  timeoutMs: number;
  pollMs: number;
}

const OFF: GateThresholds = { maxTemperatureC: null, maxLoad: null, minBatteryPct: null, requireCharging: false, timeoutMs: 0, pollMs: 1000 };

/**
 * Defaults per device kind. Load is not gated by default: farm hosts and CI machines are shared,
 * and a load gate there would wait out its timeout before every trial; set it per agent where
 * the machine is dedicated. Kinds not listed (mcu, sim) have no gate.
 */
export const DEFAULT_GATES: Readonly<Record<string, GateThresholds>> = {
  host: { ...OFF, maxTemperatureC: 85, timeoutMs: 60_000 },
  board: { ...OFF, maxTemperatureC: 70, timeoutMs: 300_000 },
  phone: { ...OFF, maxTemperatureC: 40, minBatteryPct: 20, requireCharging: true, timeoutMs: 300_000, pollMs: 2000 },
};

export type GateTable = Readonly<Record<string, GateThresholds>>;

/** What the gate did before one trial; it travels in the trial's conditions as `gate`. */
export interface GateRecord {
  kind: string;
  waited_ms: number;
  /** true: the conditions never came within the thresholds; the trial ran anyway. */
  timed_out: boolean;
  /** Why it waited (the first reading's reasons); empty when it did not. */
  waited_for: string[];
  thresholds: { max_temperature_c: number | null; max_load: number | null; min_battery_pct: number | null; require_charging: boolean; timeout_ms: number };
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Battery states that mean "on the charger": Android and Linux power_supply status strings. */
const PLUGGED = new Set(['charging', 'full', 'not charging']);

/** The reasons these conditions are outside the thresholds; empty when the trial may run. */
export function gateBlockers(conditions: Record<string, unknown> | null, t: GateThresholds): string[] {
  if (conditions === null) return [];
  const out: string[] = [];
  const temp = num(conditions['max_temperature_c']);
  if (t.maxTemperatureC !== null && temp !== null && temp > t.maxTemperatureC) out.push(`temperature ${temp} C > ${t.maxTemperatureC} C`);
  const load = Array.isArray(conditions['load_avg']) ? num(conditions['load_avg'][0]) : null;
  if (t.maxLoad !== null && load !== null && load > t.maxLoad) out.push(`load average ${load} > ${t.maxLoad}`);
  const battery = conditions['battery'] as { capacity_pct?: unknown; status?: unknown } | null | undefined;
  if (battery != null) {
    const pct = num(battery.capacity_pct);
    if (t.minBatteryPct !== null && pct !== null && pct < t.minBatteryPct) out.push(`battery ${pct}% < ${t.minBatteryPct}%`);
    const status = typeof battery.status === 'string' ? battery.status : null;
    if (t.requireCharging && status !== null && !PLUGGED.has(status.toLowerCase())) out.push(`battery ${status}, not on a charger`);
  }
  return out;
}

export interface GateOutcome {
  /** The conditions the trial starts under (the last reading). */
  conditions: Record<string, unknown> | null;
  gate: GateRecord;
}

/**
 * Reads conditions until they pass the thresholds or the timeout passes. A failed reading counts
 * as unknown conditions (null), which passes: a gate must never stop a device from working.
 */
export async function passGate(
  kind: string,
  read: () => Promise<Record<string, unknown> | null>,
  t: GateThresholds,
  options: { signal?: AbortSignal | null; now?: () => number } = {},
): Promise<GateOutcome> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  let waitedFor: string[] = [];
  for (;;) {
    const conditions = await read().catch(() => null);
    const blockers = gateBlockers(conditions, t);
    if (waitedFor.length === 0) waitedFor = blockers;
    const waited = now() - started;
    const timedOut = blockers.length > 0 && (waited + t.pollMs > t.timeoutMs || options.signal?.aborted === true);
    if (blockers.length === 0 || timedOut) {
      return {
        conditions,
        gate: {
          kind, waited_ms: Math.round(waited), timed_out: timedOut, waited_for: waitedFor,
          thresholds: { max_temperature_c: t.maxTemperatureC, max_load: t.maxLoad, min_battery_pct: t.minBatteryPct, require_charging: t.requireCharging, timeout_ms: t.timeoutMs },
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, t.pollMs));
  }
}

export class GateSpecError extends Error {
  override readonly name = 'GateSpecError';
}

/**
 * `--gate` values onto a table: `KIND:key=value,...` with keys temp (degrees C), load, battery
 * (percent), charging (yes|no), timeout (seconds), poll (seconds); `none` as a value turns that
 * check off, and `KIND:off` the whole gate. Kinds not named keep their defaults.
 * @throws GateSpecError naming the spec and the part that is wrong.
 */
export function parseGateSpecs(specs: readonly string[], base: GateTable = DEFAULT_GATES): Record<string, GateThresholds> {
  const table: Record<string, GateThresholds> = { ...base };
  for (const spec of specs) {
    const m = /^([a-z][\w-]*):(.+)$/.exec(spec.trim());
    if (m === null) throw new GateSpecError(`--gate '${spec}': expected KIND:key=value,... (e.g. phone:temp=40,battery=20)`);
    const kind = m[1]!;
    if (m[2] === 'off') {
      table[kind] = OFF;
      continue;
    }
    const t: GateThresholds = { ...(table[kind] ?? { ...OFF, timeoutMs: 60_000 }) };
    for (const part of m[2]!.split(',')) {
      const [key = '', value = ''] = part.split('=').map((s) => s.trim());
      const n = value === 'none' ? null : Number(value);
      const bad = (what: string): never => { throw new GateSpecError(`--gate '${spec}': ${key} must be ${what}, got '${value}'`); };
      if (n !== null && (!Number.isFinite(n) || value === '') && key !== 'charging') bad('a number or none');
      switch (key) {
        case 'temp': t.maxTemperatureC = n; break;
        case 'load': t.maxLoad = n; break;
        case 'battery': t.minBatteryPct = n; break;
        case 'charging': t.requireCharging = value === 'yes' ? true : value === 'no' ? false : bad('yes or no'); break;
        case 'timeout': t.timeoutMs = n === null || n < 0 ? bad('seconds >= 0') : n * 1000; break;
        case 'poll': t.pollMs = n === null || n <= 0 ? bad('seconds > 0') : n * 1000; break;
        default: throw new GateSpecError(`--gate '${spec}': unknown key '${key}' (temp, load, battery, charging, timeout, poll)`);
      }
    }
    table[kind] = t;
  }
  return table;
}
