// Which etrun a remote device runs, and the file's sha256 that keys the copy pushed to it.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import { packagePath } from '../../../native/runner/index.js';

/** The instruction sets we build etrun for (docs/cross-build.md). */
export type EtrunArch = 'x86_64' | 'aarch64';

/**
 * A runtime build: one etrun per architecture. The orchestrator stores builds as artifacts (by
 * git hash and ABI); null stands for this checkout's own build directory.
 */
export interface RuntimeBuild {
  /** What the build is called in results (e.g. a git hash); informative only. */
  id?: string;
  etrun: Partial<Record<EtrunArch, string>>;
}

export interface RuntimeBinary {
  arch: EtrunArch;
  path: string;
  sha256: string;
}

/**
 * Maps what a device says about itself (`uname -m`, Android's ro.product.cpu.abi) to the etrun
 * architecture that runs there; null when we build nothing for it (32-bit ARM, RISC-V, ...).
 */
export function archOf(machineOrAbi: string): EtrunArch | null {
  switch (machineOrAbi.trim().toLowerCase()) {
    case 'x86_64':
    case 'amd64':
      return 'x86_64';
    case 'aarch64':
    case 'arm64':
    case 'arm64-v8a':
    case 'armv8l':
      return 'aarch64';
    default:
      return null;
  }
}

/** This checkout's etrun for an architecture: the host release build or the static aarch64 one. */
export function defaultEtrunPath(arch: EtrunArch): string {
  return arch === 'x86_64' ? packagePath('build', 'native', 'release', 'etrun') : packagePath('build', 'native', 'aarch64', 'etrun');
}

const hashes = new Map<string, string>();

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The etrun to push to a device of this architecture (its ABI or `uname -m`).
 * @throws Error naming the ABI when no build exists for it, or the missing file and how to build it.
 */
export async function pickRuntime(machineOrAbi: string, build: RuntimeBuild | null): Promise<RuntimeBinary> {
  const arch = archOf(machineOrAbi);
  if (arch === null) throw new Error(`no etrun build for the device's architecture "${machineOrAbi}" (we build x86_64 and aarch64)`);
  const file = build === null ? defaultEtrunPath(arch) : build.etrun[arch];
  if (file === undefined) throw new Error(`runtime build ${build?.id ?? '(unnamed)'} has no etrun for ${arch}`);
  try {
    await access(file, constants.R_OK);
  } catch {
    const how = arch === 'x86_64' ? 'node native/build.mjs etrun' : 'node native/build.mjs etrun-aarch64';
    throw new Error(`etrun for ${arch} is missing at ${file}${build === null ? ` (build it: ${how})` : ''}`);
  }
  // Cache by path: a build's binaries do not change under a running agent (rebuilt files get new builds).
  let sha256 = hashes.get(file);
  if (sha256 === undefined) {
    sha256 = await sha256File(file);
    hashes.set(file, sha256);
  }
  return { arch, path: file, sha256 };
}

export { sha256File };
