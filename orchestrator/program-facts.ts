// What scheduling must know about a program, read from the stored artifact itself (never
// trusted from the client): its methods, the operators they call, the delegates they carry and
// the memory they plan.

import { readBundled, readProgram, type ProgramInfo } from '../program/index.js';

export interface ProgramFacts {
  methods: string[];
  operators: string[];
  delegates: string[];
  /** The largest method's planned memory (sum of its non-constant buffers), bytes. */
  plannedBytes: number;
}

/** @throws Error when the bytes are neither a .pte nor a .bpte. */
export function programFacts(data: Uint8Array): ProgramFacts {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let info: ProgramInfo;
  try {
    info = readBundled(bytes).program;
  } catch {
    info = readProgram(bytes);
  }
  const operators = new Set<string>();
  const delegates = new Set<string>();
  for (const m of info.methods) {
    for (const o of m.operators) operators.add(o.qualifiedName);
    for (const d of m.delegates) delegates.add(d.id);
  }
  const plannedBytes = Math.max(0, ...info.methods.map((m) => m.plannedMemory.reduce((a, b) => a + b.size, 0)));
  return { methods: info.methods.map((m) => m.name), operators: [...operators].sort(), delegates: [...delegates].sort(), plannedBytes };
}
