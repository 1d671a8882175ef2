// The pieces the ssh and adb drivers share, without any device: the job command's markers, the
// /proc and /sys parsers, the choice of etrun per architecture, the classification of endings.

import { spawnSync } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {
  archOf, bigCoreMask, jobCommand, linuxConditions, linuxFacts, parseJobOutput, parseProbe, pickRuntime, probeCommand,
  remoteOutcome, shQuote, waitCool, CONDITION_FILES,
} from '../../agent/drivers/remote/index.js';
import { tempDir } from '../helpers/temp-dir.js';

const sh = (command: string) => spawnSync('/bin/sh', ['-c', command], { encoding: 'utf8' });

test('shQuote keeps every byte literal through sh', (t) => {
  const words = ["it's", 'a b', '$HOME', '`id`', '"q"', '\\n', ''];
  const r = sh(`printf '%s\\n' ${words.map(shQuote).join(' ')}`);
  t.deepEqual(r.stdout.split('\n').slice(0, -1), words);
});

test('the job command reports the pid, stdout, exit status and stderr apart, and the pid is the program itself', async (t) => {
  const dir = await tempDir(t, 'etb-job-');
  const fake = path.join(dir, 'fake-etrun');
  await writeFile(fake, '#!/bin/sh\necho "{\\"pid\\": $$, \\"args\\": \\"$*\\"}"\necho "a warning" >&2\nexit 6\n');
  await chmod(fake, 0o755);
  const out = parseJobOutput(sh(jobCommand(dir, fake, ['m.pte', '--iterations', '3'])).stdout);
  t.is(out.status, 6);
  t.is(out.stderr, 'a warning\n');
  const doc = JSON.parse(out.stdout) as { pid: number; args: string };
  t.is(out.pid, doc.pid, 'exec keeps the printed pid for the program, so kill <pid> stops it');
  t.is(doc.args, 'm.pte --iterations 3');
});

test('output cut before the exit marker has no status (the job was lost)', (t) => {
  const out = parseJobOutput('@@etbench-pid=42\n{"schema_version": 1,');
  t.is(out.pid, 42);
  t.is(out.status, null);
  const run = remoteOutcome({ output: out, stoppedBy: null, timeoutMs: null, durationMs: 5, lost: 'the connection closed' });
  t.is(run.status, 'LOST');
  t.regex(run.problem ?? '', /lost the device mid-job: the connection closed/);
  t.is(remoteOutcome({ output: out, stoppedBy: 'TIMEOUT', timeoutMs: 1000, durationMs: 5, lost: null }).status, 'TIMED_OUT');
});

test('a shell status above 128 is the signal that ended etrun', (t) => {
  const run = remoteOutcome({ output: { pid: 1, status: 128 + 11, stdout: '', stderr: 'boom\n' }, stoppedBy: null, timeoutMs: null, durationMs: 1, lost: null });
  t.is(run.status, 'CRASHED');
  t.is(run.signal, 'SIGSEGV');
  const killed = remoteOutcome({ output: { pid: 1, status: 128 + 9, stdout: '', stderr: '' }, stoppedBy: 'CANCEL', timeoutMs: null, durationMs: 1, lost: null });
  t.is(killed.status, 'CANCELLED');
});

test('the probe script runs under sh and its output parses into facts and conditions of this machine', (t) => {
  const r = sh(probeCommand([...CONDITION_FILES, '/sys/devices/system/cpu/cpu[0-9]*/cpufreq/cpuinfo_max_freq'], true));
  t.is(r.status, 0, r.stderr);
  const p = parseProbe(r.stdout);
  const facts = linuxFacts(p);
  t.is(facts.os, 'linux');
  t.is(facts.arch, spawnSync('uname', ['-m'], { encoding: 'utf8' }).stdout.trim());
  t.true(facts.cores >= 1);
  t.true((facts.mem_total_bytes ?? 0) > 0);
  t.is(linuxConditions(p).load_avg?.length, 3);
});

const SAMPLE = [
  '@@uname', 'Linux 6.1.75-android14 aarch64', '@@loadavg', '1.50 0.75 0.25 2/900 1234', '@@meminfo', 'MemTotal:        7812340 kB',
  '@@cpuinfo', 'processor\t: 0', 'CPU implementer\t: 0x41', 'CPU part\t: 0xd46', '', 'processor\t: 1', 'CPU part\t: 0xd4d', 'Hardware\t: Tensor G3',
  '@@files',
  '/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq=1704000', '/sys/devices/system/cpu/cpu1/cpufreq/cpuinfo_max_freq=2910000',
  '/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor=sched_pixel', '/sys/devices/system/cpu/cpu1/cpufreq/scaling_cur_freq=2100000',
  '/sys/class/thermal/thermal_zone0/type=BIG', '/sys/class/thermal/thermal_zone0/temp=47500',
  '/sys/class/thermal/thermal_zone1/type=battery', '/sys/class/thermal/thermal_zone1/temp=31',
  '/sys/class/power_supply/usb/type=USB', '/sys/class/power_supply/battery/type=Battery',
  '/sys/class/power_supply/battery/capacity=64', '/sys/class/power_supply/battery/temp=305', '/sys/class/power_supply/battery/status=Discharging',
  '',
].join('\n');

test('facts and conditions of a phone-like /proc and /sys: units converted, zones named, battery found', (t) => {
  const p = parseProbe(SAMPLE);
  const facts = linuxFacts(p);
  t.like(facts, { os: 'linux', kernel: '6.1.75-android14', arch: 'aarch64', cpu_model: 'Tensor G3', cores: 2, mem_total_bytes: 7812340 * 1024 });
  t.deepEqual(facts.cpu_max_khz, { cpu0: 1704000, cpu1: 2910000 });
  t.is(bigCoreMask(facts), '2');
  const c = linuxConditions(p);
  t.deepEqual(c.load_avg, [1.5, 0.75, 0.25]);
  t.deepEqual(c.temperatures_c, { 'thermal_zone0 (BIG)': 47.5, 'thermal_zone1 (battery)': 31 });
  t.is(c.max_temperature_c, 47.5);
  t.deepEqual(c.governors, { cpu0: 'sched_pixel' });
  t.deepEqual(c.cur_khz, { cpu1: 2100000 });
  t.deepEqual(c.battery, { capacity_pct: 64, temperature_c: 30.5, status: 'Discharging' });
  t.is(bigCoreMask({ ...facts, cpu_max_khz: { cpu0: 1, cpu1: 1 } }), null, 'no pinning when all cores are alike');
});

test('the etrun for a device: x86_64 and arm64 names map to our builds; others are refused by name', async (t) => {
  t.is(archOf('x86_64'), 'x86_64');
  t.is(archOf('arm64-v8a'), 'aarch64');
  t.is(archOf('aarch64'), 'aarch64');
  t.is(archOf('armeabi-v7a'), null);
  await t.throwsAsync(pickRuntime('armeabi-v7a', null), { message: /no etrun build for the device's architecture "armeabi-v7a"/ });
  await t.throwsAsync(pickRuntime('arm64-v8a', { id: 'abc123', etrun: { x86_64: '/x' } }), { message: /runtime build abc123 has no etrun for aarch64/ });
  await t.throwsAsync(pickRuntime('aarch64', { etrun: { aarch64: '/nonexistent/etrun' } }), { message: /etrun for aarch64 is missing at \/nonexistent\/etrun/ });
  const dir = await tempDir(t, 'etb-rt-');
  const file = path.join(dir, 'etrun');
  await writeFile(file, 'abc');
  const picked = await pickRuntime('arm64-v8a', { etrun: { aarch64: file } });
  t.deepEqual(picked, { arch: 'aarch64', path: file, sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' });
});

test('the cool-down wait polls until the threshold, or gives up at its bound', async (t) => {
  const temps = [60, 50, 39];
  const cooled = await waitCool(async () => temps.shift() ?? 39, 40, { timeoutMs: 5000, pollMs: 10 });
  t.like(cooled, { reached: true, temperature_c: 39, threshold_c: 40 });
  const hot = await waitCool(async () => 80, 40, { timeoutMs: 50, pollMs: 10 });
  t.like(hot, { reached: false, temperature_c: 80 });
  t.false((await waitCool(async () => null, 40, { timeoutMs: 50 })).reached, 'no thermal zone: nothing to wait for');
});
