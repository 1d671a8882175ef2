// Facts and conditions of a Linux kernel (a board, or the Linux under Android) from /proc and
// /sys, in one shell round trip: the script prints sections and `path=first line` pairs, and
// the parsers below turn them into records. Drivers add what only they know (getprop, ...).

const CPU = '/sys/devices/system/cpu/cpu[0-9]*/cpufreq';
const ZONE = '/sys/class/thermal/thermal_zone[0-9]*';
const SUPPLY = '/sys/class/power_supply/*';

/** Files read for facts: what does not change between jobs. */
export const FACT_FILES = [`${CPU}/cpuinfo_max_freq`, `${CPU}/cpuinfo_min_freq`, `${ZONE}/type`];
/** Files read for conditions: what does change (clock, heat, battery). */
export const CONDITION_FILES = [
  `${CPU}/scaling_governor`, `${CPU}/scaling_cur_freq`, `${CPU}/scaling_min_freq`, `${CPU}/scaling_max_freq`, `${ZONE}/type`, `${ZONE}/temp`,
  `${SUPPLY}/type`, `${SUPPLY}/capacity`, `${SUPPLY}/temp`, `${SUPPLY}/status`,
];

/** The probe command: sections `@@name` then their text; unreadable files are left out. */
export function probeCommand(files: readonly string[], withCpuinfo: boolean): string {
  const parts = [
    "echo '@@uname'; uname -srm 2>/dev/null",
    "echo '@@loadavg'; cat /proc/loadavg 2>/dev/null",
    "echo '@@meminfo'; head -n 3 /proc/meminfo 2>/dev/null",
  ];
  if (withCpuinfo) parts.push("echo '@@cpuinfo'; cat /proc/cpuinfo 2>/dev/null");
  parts.push(`echo '@@files'; for f in ${files.join(' ')}; do [ -r "$f" ] && echo "$f=$(head -n 1 "$f" 2>/dev/null)"; done; true`);
  return parts.join('; ');
}

export interface Probe {
  sections: Map<string, string>;
  /** path -> first line, for every readable file the globs matched. */
  files: Map<string, string>;
}

export function parseProbe(text: string): Probe {
  const sections = new Map<string, string>();
  let name: string | null = null;
  let lines: string[] = [];
  const flush = (): void => {
    if (name !== null) sections.set(name, lines.join('\n'));
  };
  for (const line of text.split('\n')) {
    const m = /^@@(\w+)$/.exec(line.trim());
    if (m) {
      flush();
      name = m[1]!;
      lines = [];
    } else lines.push(line);
  }
  flush();
  const files = new Map<string, string>();
  for (const line of (sections.get('files') ?? '').split('\n')) {
    const at = line.indexOf('=');
    if (line.startsWith('/') && at > 0) files.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  return { sections, files };
}

export interface LinuxFacts {
  os: string;
  kernel: string;
  arch: string;
  cpu_model: string;
  cores: number;
  mem_total_bytes: number | null;
  /** Per CPU (cpu0, cpu1, ...): the hardware clock range in kHz, when cpufreq is there. */
  cpu_max_khz: Record<string, number>;
  cpu_min_khz: Record<string, number>;
  /** thermal_zoneN -> its type (e.g. cpu-thermal, battery). */
  thermal_zones: Record<string, string>;
}

export interface LinuxConditions {
  load_avg: [number, number, number] | null;
  governors: Record<string, string>;
  cur_khz: Record<string, number>;
  /** The governor's current bounds per CPU; a thermal or power cap shows as a lowered max. */
  scaling_min_khz: Record<string, number>;
  scaling_max_khz: Record<string, number>;
  /** thermal_zoneN (type) -> degrees Celsius. */
  temperatures_c: Record<string, number>;
  /** Hottest thermal zone, the number a cool-down wait compares. */
  max_temperature_c: number | null;
  battery: { capacity_pct: number | null; temperature_c: number | null; status: string | null } | null;
}

function perCpu(files: Map<string, string>, leaf: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, value] of files) {
    const m = /\/cpu(\d+)\/cpufreq\/(\w+)$/.exec(file);
    if (m && m[2] === leaf) out.set(`cpu${m[1]}`, value);
  }
  return new Map([...out].sort((a, b) => Number(a[0].slice(3)) - Number(b[0].slice(3))));
}

const numbers = (m: Map<string, string>): Record<string, number> =>
  Object.fromEntries([...m].map(([k, v]) => [k, Number(v)]).filter(([, v]) => Number.isFinite(v)));

function zones(files: Map<string, string>, leaf: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, value] of files) {
    const m = /\/(thermal_zone\d+)\/(\w+)$/.exec(file);
    if (m && m[2] === leaf) out.set(m[1]!, value);
  }
  return out;
}

/** Kernel temperatures are millidegrees; a few drivers report whole degrees. */
const celsius = (raw: string): number | null => {
  const v = Number(raw);
  if (!Number.isFinite(v) || raw === '') return null;
  return Math.abs(v) >= 200 ? v / 1000 : v;
};

function cpuModel(cpuinfo: string): string {
  const field = (name: string): string | null => {
    const m = new RegExp(`^${name}\\s*:\\s*(.+)$`, 'mi').exec(cpuinfo);
    return m ? m[1]!.trim() : null;
  };
  const part = field('CPU part');
  return field('model name') ?? field('Hardware') ?? field('Processor') ?? (part ? `CPU implementer ${field('CPU implementer') ?? '?'} part ${part}` : 'unknown');
}

export function linuxFacts(p: Probe): LinuxFacts {
  const [kernelName = 'Linux', release = '', machine = 'unknown'] = (p.sections.get('uname') ?? '').trim().split(/\s+/);
  const cpuinfo = p.sections.get('cpuinfo') ?? '';
  const cores = (cpuinfo.match(/^processor\s*:/gm) ?? []).length;
  const mem = /^MemTotal:\s*(\d+)\s*kB/m.exec(p.sections.get('meminfo') ?? '');
  return {
    os: kernelName.toLowerCase(),
    kernel: release,
    arch: machine,
    cpu_model: cpuModel(cpuinfo),
    cores: cores > 0 ? cores : perCpu(p.files, 'cpuinfo_max_freq').size,
    mem_total_bytes: mem ? Number(mem[1]) * 1024 : null,
    cpu_max_khz: numbers(perCpu(p.files, 'cpuinfo_max_freq')),
    cpu_min_khz: numbers(perCpu(p.files, 'cpuinfo_min_freq')),
    thermal_zones: Object.fromEntries(zones(p.files, 'type')),
  };
}

export function linuxConditions(p: Probe): LinuxConditions {
  const load = (p.sections.get('loadavg') ?? '').trim().split(/\s+/).slice(0, 3).map(Number);
  const types = zones(p.files, 'type');
  const temperatures_c: Record<string, number> = {};
  for (const [zone, raw] of zones(p.files, 'temp')) {
    const c = celsius(raw);
    if (c !== null) temperatures_c[types.has(zone) ? `${zone} (${types.get(zone)})` : zone] = c;
  }
  const temps = Object.values(temperatures_c);
  let battery: LinuxConditions['battery'] = null;
  for (const [file, type] of p.files) {
    const m = /^(.*\/power_supply\/[^/]+)\/type$/.exec(file);
    if (!m || type.toLowerCase() !== 'battery') continue;
    const read = (leaf: string): string | null => p.files.get(`${m[1]}/${leaf}`) ?? null;
    const capacity = read('capacity');
    const temp = read('temp');
    // power_supply temperatures are tenths of a degree.
    battery = { capacity_pct: capacity === null ? null : Number(capacity), temperature_c: temp === null ? null : Number(temp) / 10, status: read('status') };
    break;
  }
  return {
    load_avg: load.length === 3 && load.every(Number.isFinite) ? [load[0]!, load[1]!, load[2]!] : null,
    governors: Object.fromEntries(perCpu(p.files, 'scaling_governor')),
    cur_khz: numbers(perCpu(p.files, 'scaling_cur_freq')),
    scaling_min_khz: numbers(perCpu(p.files, 'scaling_min_freq')),
    scaling_max_khz: numbers(perCpu(p.files, 'scaling_max_freq')),
    temperatures_c,
    max_temperature_c: temps.length > 0 ? Math.max(...temps) : null,
    battery,
  };
}

/**
 * The CPUs with the highest maximum clock (the "big" cluster), as a hex mask for `taskset`;
 * null when every CPU has the same clock or cpufreq says nothing (pinning would change nothing).
 */
export function bigCoreMask(facts: LinuxFacts): string | null {
  const max = Object.entries(facts.cpu_max_khz);
  if (max.length === 0) return null;
  const top = Math.max(...max.map(([, v]) => v));
  const big = max.filter(([, v]) => v === top).map(([k]) => Number(k.slice(3)));
  if (big.length === max.length) return null;
  return big.reduce((mask, cpu) => mask | (1n << BigInt(cpu)), 0n).toString(16);
}
