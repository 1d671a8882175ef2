// etrun --sustained SECONDS on a small real program: executes back to back for that long,
// reported as windows of latency against time with the conditions etrun read from the device
// as each window closed (on Linux at least the load average; thermal zones and cpufreq where
// the machine exposes them, null where it does not).
import { existsSync, readFileSync } from 'node:fs';
import test from 'ava';
import { MODULE_LINEAR } from '../helpers/fixtures.js';
import { etrunChecked as etrun } from '../program/etrun.js';

test('a 3-second sustained run: windows of about a second, in time order, with the conditions', (t) => {
  const r = etrun([MODULE_LINEAR, '--sustained', '3', '--warmup', '1']);
  t.is(r.code, 0, r.stderr);
  const s = r.doc!.sustained!;
  t.is(s.seconds, 3);
  t.is(s.window_s, 1);
  t.true(s.windows.length >= 2 && s.windows.length <= 4, `${s.windows.length} windows`);
  let samples = 0;
  s.windows.forEach((w, i) => {
    t.true(w.end_s > w.t_s, `window ${i} ends after it starts`);
    if (i > 0) t.true(w.t_s >= s.windows[i - 1]!.end_s, `window ${i} starts after window ${i - 1} closed`);
    if (i < s.windows.length - 1) t.true(w.end_s - w.t_s >= 1, `window ${i} lasts the window`);
    t.true(w.n >= 1 && w.p50_ms > 0 && w.p90_ms >= w.p50_ms);
    samples += w.n;
  });
  t.true(s.windows.at(-1)!.end_s >= 3, 'the run lasted the seconds asked for');
  // latency_ms keeps every sample, window by window.
  t.is(r.doc!.latency_ms!.samples.length, samples);
  // Samples aim at 1 ms (a batch of executes when one is shorter): ~1,000 a second. On a loaded
  // machine the batch is calibrated on slowed executes and samples come out shorter, so the
  // bound is 0.25 ms a sample; unbatched, or with a timed run's 20 us batches, this program
  // would give tens of thousands a second.
  t.true(samples <= 3 * 4000, `${samples} samples`);
  t.true(r.doc!.latency_ms!.batch > 1, 'this small program is timed in batches');
  const c = s.windows[0]!.conditions;
  if (process.platform === 'linux') {
    t.truthy(c.loadavg, 'Linux has /proc/loadavg');
    t.is(c.loadavg!.length, 3);
    // Thermal zones and cpufreq: present exactly when this machine exposes them.
    const zone = existsSync('/sys/class/thermal/thermal_zone0/temp');
    const freq = existsSync('/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq');
    if (!zone) t.is(c.thermal, null);
    if (freq) t.true(c.cpu_freq_khz !== null && c.cpu_freq_khz.some((f) => f.cpu === 0 && f.khz > 0));
    else t.is(c.cpu_freq_khz, null);
    t.log(`${s.windows.length} windows; loadavg ${c.loadavg!.join(' ')}; thermal ${c.thermal === null ? 'none' : c.thermal.length + ' zones'}; cpufreq ${c.cpu_freq_khz === null ? 'none' : c.cpu_freq_khz.length + ' CPUs'}; /proc/loadavg now ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  }
});

test('--window sets the window; a short one gives more windows', (t) => {
  const r = etrun([MODULE_LINEAR, '--sustained', '1', '--window', '0.25', '--warmup', '0']);
  t.is(r.code, 0, r.stderr);
  const s = r.doc!.sustained!;
  t.is(s.window_s, 0.25);
  t.true(s.windows.length >= 3, `${s.windows.length} windows`);
});

test('without --sustained the field is null; bad values are usage errors', (t) => {
  const plain = etrun([MODULE_LINEAR, '--iterations', '2', '--warmup', '0']);
  t.is(plain.code, 0, plain.stderr);
  t.is(plain.doc!.sustained, null);
  for (const [args, message] of [
    [['--sustained', '0'], /invalid value for --sustained: '0'/],
    [['--sustained', 'x'], /invalid value for --sustained/],
    [['--window', '0.5'], /--window needs --sustained SECONDS/],
    [['--sustained', '1', '--window', '-1'], /invalid value for --window/],
  ] as const) {
    const r = etrun([MODULE_LINEAR, ...args]);
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, message);
  }
});
