// `etbench agent --gate ... --affinity ...`: the conditions gate per device kind and the host's
// CPU pinning, compiled from their flags (agent/trials/gate.ts, agent/drivers/host/affinity.ts).

import type { AffinitySetting } from '../../agent/drivers/host/affinity.js';
import { GateSpecError, parseGateSpecs, type GateTable } from '../../agent/trials/index.js';
import { UsageError } from '../errors.js';

export function conditionOptions(gate: readonly string[], affinity: string | undefined): { gates: GateTable; affinity: AffinitySetting } {
  let gates: GateTable;
  try {
    gates = parseGateSpecs(gate);
  } catch (e) {
    if (e instanceof GateSpecError) throw new UsageError(e.message);
    throw e;
  }
  if (affinity === undefined || affinity === 'auto' || affinity === 'off') return { gates, affinity: affinity ?? 'auto' };
  if (!/^\d+(,\d+)*$/.test(affinity)) throw new UsageError(`--affinity must be auto, off or CPU numbers (e.g. 2,3), got '${affinity}'`);
  return { gates, affinity: affinity.split(',').map(Number) };
}
