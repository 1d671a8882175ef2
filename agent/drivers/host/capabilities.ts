// `etrun --capabilities` as the farm schedules with it: kernel sets with their operator names,
// and backend ids. Shared by the host driver (its own etrun) and `etbench run --runtime` (an
// uploaded build that can be asked on this machine).

import type { Capabilities as SchedulingCapabilities } from '../../../proto/index.js';

/** The part of etrun's capabilities document scheduling reads. */
export interface EtrunCapabilities {
  runtime: { version: string; git: string; isa: string[]; build: string };
  kernel_sets: { name: string; operators: { name: string }[] }[];
  backends: ({ name: string } | string)[];
}

export function schedulingCapabilities(caps: EtrunCapabilities): SchedulingCapabilities {
  return {
    kernelSets: caps.kernel_sets.map((k) => ({ name: k.name, operators: k.operators.map((o) => o.name) })),
    backends: caps.backends.map((b) => (typeof b === 'string' ? b : b.name)),
  };
}
