// The folder that plays the phone's filesystem: device paths under /data, /sys and /sdcard live
// below it. Shell commands get those paths rewritten into it and their output rewritten back, so
// the driver sees /data/local/tmp/... as on a phone; everything else (sh, kill, uname, /proc) is
// this machine's, which is what lets the host etrun run "on the device".

import path from 'node:path';

const ROOTS = ['data', 'sys', 'sdcard'];
const DEVICE_PATH = new RegExp(`(^|[\\s'"=:;(|&<>])/(${ROOTS.join('|')})(?=/|[\\s'";)|&]|$)`, 'g');

export class Sandbox {
  constructor(readonly root: string) {}

  /** A device path as a path on this machine; refuses paths that leave the sandbox. */
  local(devicePath: string): string {
    const normal = path.posix.normalize(devicePath);
    const local = path.join(this.root, normal);
    if (!normal.startsWith('/') || (local !== this.root && !local.startsWith(`${this.root}/`))) {
      throw new Error(`path outside the device: ${devicePath}`);
    }
    return local;
  }

  command(text: string): string {
    return text.replace(DEVICE_PATH, (_m, before: string, root: string) => `${before}${this.root}/${root}`);
  }

  output(text: string): string {
    return text.replaceAll(`${this.root}/`, '/');
  }
}
