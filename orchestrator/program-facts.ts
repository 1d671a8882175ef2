// What scheduling must know about a program, read from the stored artifact itself (never
// trusted from the client): its methods, the operators they call and the delegates they carry.

import { readBundled, readProgram, type ProgramInfo } from '../program/index.js';

export interface ProgramFacts {
  methods: string[];
  operators: string[];
  delegates: string[];
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
  return { methods: info.methods.map((m) => m.name), operators: [...operators].sort(), delegates: [...delegates].sort() };
}
