// This machine's conditions before a timed block, from the same /proc and /sys files the remote
// drivers read over ssh/adb: the files are read locally into a Probe and parsed by the remote
// drivers' parser (agent/drivers/remote/probe.ts), so a host result and a board result carry the
// same record. `root` stands for `/` so tests can point it at a fake tree.

import { readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CONDITION_FILES, linuxConditions, type LinuxConditions, type Probe } from '../remote/probe.js';

/** A shell glob segment (`cpu[0-9]*`, `*`) as a regular expression for one directory entry. */
function segmentPattern(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '[') {
      const end = segment.indexOf(']', i);
      re += segment.slice(i, end + 1);
      i = end;
    } else re += c.replace(/[.+?^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The paths (as the device names them, from /) that a glob matches under root. */
async function expand(glob: string, root: string): Promise<string[]> {
  let found = ['/'];
  for (const segment of glob.split('/').filter((s) => s !== '')) {
    const next: string[] = [];
    for (const dir of found) {
      if (!/[*[]/.test(segment)) {
        next.push(path.posix.join(dir, segment));
        continue;
      }
      const entries = await readdir(path.join(root, dir)).catch(() => [] as string[]);
      const pattern = segmentPattern(segment);
      for (const e of entries.sort()) if (pattern.test(e)) next.push(path.posix.join(dir, e));
    }
    found = next;
  }
  return found;
}

const firstLine = async (file: string): Promise<string | null> =>
  readFile(file, 'utf8').then((t) => t.split('\n')[0]!.trim(), () => null);

/** The probe the remote drivers' shell script would print, built from files under root. */
export async function localProbe(files: readonly string[], root = '/'): Promise<Probe> {
  const sections = new Map<string, string>();
  const loadavg = await firstLine(path.join(root, 'proc/loadavg'));
  if (loadavg !== null) sections.set('loadavg', loadavg);
  const values = new Map<string, string>();
  for (const glob of files) {
    for (const device of await expand(glob, root)) {
      const value = await firstLine(path.join(root, device));
      if (value !== null) values.set(device, value);
    }
  }
  return { sections, files: values };
}

/**
 * Governors, clocks (current and the governor's bounds), temperatures, battery and load average
 * of this machine. Where /proc/loadavg is missing (not Linux, or a bare test tree under a real
 * root) the load comes from Node, so the load gate still has a number on this machine.
 */
export async function hostConditions(root = '/'): Promise<LinuxConditions> {
  const c = linuxConditions(await localProbe(CONDITION_FILES, root));
  if (c.load_avg === null && root === '/') {
    const [a = 0, b = 0, d = 0] = os.loadavg();
    return { ...c, load_avg: [a, b, d] };
  }
  return c;
}
