// A 5-field cron expression (minute hour day-of-month month day-of-week), matched against
// times in UTC. Fields take *, numbers, ranges a-b, lists a,b and steps */n or a-b/n; day of
// week 0-7 with 0 and 7 both Sunday. As in classic cron, when both day fields are restricted a
// time matches if either does.

export interface Cron {
  text: string;
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  anyDay: boolean;
  anyWeekday: boolean;
}

export class CronError extends Error {}

const FIELDS = [['minute', 0, 59], ['hour', 0, 23], ['day of month', 1, 31], ['month', 1, 12], ['day of week', 0, 7]] as const;

function field(text: string, [name, min, max]: readonly [string, number, number]): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (m === null) throw new CronError(`${name} field '${text}': '${part}' is not *, N, A-B, or one of those with /STEP`);
    const lo = m[1] === '*' ? min : Number(m[2]);
    const hi = m[1] === '*' ? max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? max : lo;
    const step = m[4] === undefined ? 1 : Number(m[4]);
    if (lo < min || hi > max || lo > hi) throw new CronError(`${name} field '${text}': ${part} is outside ${min}-${max}`);
    if (step < 1) throw new CronError(`${name} field '${text}': a step must be at least 1`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

export function parseCron(text: string): Cron {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 5) throw new CronError(`'${text}': expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  const [minutes, hours, days, months, weekdays] = parts.map((p, i) => field(p, FIELDS[i]!));
  if (weekdays!.delete(7)) weekdays!.add(0);
  return { text, minutes: minutes!, hours: hours!, days: days!, months: months!, weekdays: weekdays!, anyDay: parts[2] === '*', anyWeekday: parts[4] === '*' };
}

export function cronMatches(cron: Cron, at: Date): boolean {
  if (!cron.minutes.has(at.getUTCMinutes()) || !cron.hours.has(at.getUTCHours()) || !cron.months.has(at.getUTCMonth() + 1)) return false;
  const day = cron.days.has(at.getUTCDate());
  const weekday = cron.weekdays.has(at.getUTCDay());
  if (cron.anyDay || cron.anyWeekday) return day && weekday;
  return day || weekday;
}

/** The first whole minute strictly after `after` that matches; null if none within ~4 years. */
export function nextMatch(cron: Cron, after: Date): Date | null {
  const t = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
  for (let i = 0; i < 4 * 366 * 24 * 60; i += 1) {
    if (cronMatches(cron, t)) return t;
    t.setTime(t.getTime() + 60_000);
  }
  return null;
}
