// Whether this machine can build and run microcontroller firmware.

import { spawnSync } from 'node:child_process';

/** Debian packages that provide everything native/mcu needs. */
export const MCU_PACKAGES = ['gcc-arm-none-eabi', 'libnewlib-arm-none-eabi', 'libstdc++-arm-none-eabi-newlib', 'qemu-system-arm'];

export interface McuToolchain {
  ok: boolean;
  /** Commands that are missing, e.g. `qemu-system-arm`. */
  missing: string[];
}

const installed = (cmd: string): boolean => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;

export function mcuToolchain(): McuToolchain {
  const missing = ['arm-none-eabi-g++', 'arm-none-eabi-size', 'qemu-system-arm'].filter((c) => !installed(c));
  return { ok: missing.length === 0, missing };
}
