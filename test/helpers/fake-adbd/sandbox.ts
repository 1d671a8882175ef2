// The folder that plays the phone's filesystem: device paths under /data, /sys and /sdcard live
// below it. Shell commands get those paths rewritten into it and their output rewritten back, so
// the driver sees /data/local/tmp/... as on a phone; everything else (sh, kill, uname, /proc) is
// this machine's, which is what lets the host etrun run "on the device".

import { closeSync, mkdirSync, openSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOTS = ['data', 'sys', 'sdcard'];
const DEVICE_PATH = new RegExp(`(^|[\\s'"=:;(|&<>])/(${ROOTS.join('|')})(?=/|[\\s'";)|&]|$)`, 'g');

/** ELF e_machine of AArch64. */
const EM_AARCH64 = 183;

function isAarch64Elf(file: string): boolean {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(20);
    readSync(fd, head, 0, 20, 0);
    return head.toString('latin1', 0, 4) === '\x7fELF' && head.readUInt16LE(18) === EM_AARCH64;
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

export class Sandbox {
  /**
   * @param emulator run aarch64 executables of the sandbox under this command (qemu-aarch64),
   *   as binfmt_misc would: the fake then plays an arm64 phone on an x86-64 machine.
   */
  constructor(readonly root: string, private readonly emulator: string | null = null) {}

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

  /**
   * Called for each file written into the sandbox. With an emulator, an aarch64 executable is
   * moved to .aarch64/<name> and replaced by a script that execs the emulator on it: what
   * binfmt_misc does, without needing it registered on this machine. exec keeps the pid, so
   * killing the job's pid still stops the program.
   */
  written(local: string): void {
    if (this.emulator === null || !isAarch64Elf(local)) return;
    const twin = this.aarch64Twin(local);
    mkdirSync(path.dirname(twin), { recursive: true });
    renameSync(local, twin);
    writeFileSync(local, `#!/bin/sh\nexec '${this.emulator}' '${twin}' "$@"\n`, { mode: statSync(twin).mode & 0o7777 });
  }

  /** Where written() keeps the real aarch64 file of a sandbox path. */
  aarch64Twin(local: string): string {
    return path.join(this.root, '.aarch64', path.relative(this.root, local).replaceAll('/', '_'));
  }

  output(text: string): string {
    return text.replaceAll(`${this.root}/`, '/');
  }
}
