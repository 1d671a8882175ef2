// Which devices a selector names, and whether a device's runtime can run a program: every
// operator the program calls must be in the kernel sets the job's configuration selects, and
// every delegate it carries must be a backend the runtime has.

import type { Device, ProgramRef, RuntimeBuild, RuntimeConfig } from '../proto/index.js';

/** `all`, a device id, or KEY=VALUE over the device's tags (kind, os, arch are tags too). */
export function matchesSelector(device: Device, selector: string): boolean {
  if (selector === 'all' || selector === device.id) return true;
  const eq = selector.indexOf('=');
  if (eq <= 0) return false;
  const key = selector.slice(0, eq);
  const value = selector.slice(eq + 1);
  const facts: Record<string, string> = { kind: device.kind, os: device.os, arch: device.arch, unit_id: device.unitId, ...device.tags };
  return facts[key] === value;
}

/** Pool selectors (`any:SELECTOR`) make one job that any matching device may take. */
export function poolSelector(selector: string): string | null {
  return selector.startsWith('any:') ? selector.slice('any:'.length) : null;
}

/** Kernel sets a configuration uses: the chosen set always brings quantized and prim ops. */
function kernelSetsFor(kernels: string): string[] {
  const chosen = kernels === '' ? 'portable' : kernels;
  return chosen === 'portable' ? ['portable', 'quantized', 'prim'] : [chosen, 'portable', 'quantized', 'prim'];
}

/**
 * null when the device can run the program with this configuration, otherwise why not. With an
 * uploaded runtime build that reported its capabilities, those are what the job will run.
 */
export function incapability(device: Device, program: ProgramRef, config: RuntimeConfig, build: RuntimeBuild | null = null): string | null {
  const fromBuild = build?.capabilities !== undefined;
  const caps = fromBuild ? build?.capabilities : device.capabilities;
  const runtimeName = fromBuild ? `runtime build ${build?.sha256.slice(0, 12)}` : `device ${device.id}'s runtime`;
  // Devices whose program storage is small (a microcontroller's flash) say how small in a tag.
  const maxBytes = Number(device.tags['max_program_bytes'] ?? 0);
  if (maxBytes > 0 && program.size > maxBytes) {
    return `device ${device.id} holds programs up to ${maxBytes} bytes (its program flash); ${program.name || 'the program'} is ${program.size} bytes`;
  }
  const maxPlanned = Number(device.tags['max_planned_bytes'] ?? 0);
  if (maxPlanned > 0 && program.plannedBytes > maxPlanned) {
    return `device ${device.id} has ${maxPlanned} bytes for planned memory (its RAM arena); ${program.name || 'the program'} plans ${program.plannedBytes} bytes`;
  }
  if (caps === undefined) return `device ${device.id} did not report its runtime's capabilities`;
  const sets = kernelSetsFor(config.kernels);
  if (config.kernels !== '' && !caps.kernelSets.some((k) => k.name === config.kernels)) {
    return `${runtimeName} has no '${config.kernels}' kernel set`;
  }
  const available = new Set(caps.kernelSets.filter((k) => sets.includes(k.name)).flatMap((k) => k.operators));
  const missingOps = program.operators.filter((op) => !available.has(op));
  const backends = new Set(caps.backends);
  const missingDelegates = program.delegates.filter((d) => !backends.has(d));
  if (missingOps.length === 0 && missingDelegates.length === 0) return null;
  const parts: string[] = [];
  if (missingOps.length > 0) parts.push(`operators ${missingOps.join(', ')}`);
  if (missingDelegates.length > 0) parts.push(`delegates ${missingDelegates.join(', ')}`);
  return `${runtimeName} (${config.kernels || 'portable'} kernels) lacks ${parts.join(' and ')}`;
}

/** null when the device can run an uploaded runtime build (same ABI), otherwise why not. */
export function runtimeMismatch(device: Device, build: RuntimeBuild | null): string | null {
  if (build === null) return null;
  const abi = device.runtime?.abi ?? '';
  return abi === build.abi ? null : `device ${device.id} is ${abi || 'of an unknown ABI'}; runtime build ${build.sha256.slice(0, 12)} is for ${build.abi}`;
}

/** The canonical form of a configuration, part of every series key. */
export function configKey(config: RuntimeConfig): string {
  return JSON.stringify([
    config.kernels || 'portable', [...config.backends].sort(), config.threads, config.hasWarmup ? config.warmup : null,
    config.iterations, config.minSeconds, config.inputs,
  ]);
}
