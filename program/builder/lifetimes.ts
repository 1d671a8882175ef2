/**
 * Lifetime analysis and memory planning for one built method: when each
 * planned tensor must hold its value (in instruction indices), then a greedy
 * aligned layout per memory id (planMemory), reported tensor by tensor.
 */
import type { InstructionSpec, ValueSpec } from '../spec.js';
import { planMemory } from './memory-plan.js';

/** How a planned tensor is used, which decides its lifetime bounds. */
export type PlannedRole = 'input' | 'intermediate' | 'mutable';

export interface PlanRequest {
  value: number;
  name: string | null;
  role: PlannedRole;
  memoryId: number;
  /** Bytes at the tensor's (upper-bound) shape. */
  size: number;
}

export interface PlannedTensorReport extends PlanRequest {
  offset: number;
  /** First instruction index at which the bytes must be kept (−1: before the first, e.g. inputs). */
  firstUse: number;
  /** Last instruction index that needs them (= instruction count for outputs and mutable state). */
  lastUse: number;
}

export interface MethodMemoryPlan {
  method: string;
  /** One entry per memory id 1..max (size 0 for an id nothing uses). */
  arenas: { memoryId: number; size: number }[];
  tensors: PlannedTensorReport[];
}

/** Instruction indices at which each value is read or written (list items count for their list). */
function uses(values: readonly ValueSpec[], instructions: readonly InstructionSpec[], aliasOf: (v: number) => number): Map<number, number[]> {
  const at = new Map<number, number[]>();
  const mark = (v: number, i: number): void => {
    const base = aliasOf(v);
    at.set(base, [...(at.get(base) ?? []), i]);
    const value = values[v];
    if (value?.kind === 'TensorList' || value?.kind === 'OptionalTensorList') value.items.forEach((x) => mark(x, i));
  };
  instructions.forEach((instr, i) => {
    if (instr.kind === 'KernelCall' || instr.kind === 'DelegateCall') instr.args.forEach((a) => mark(a, i));
    else if (instr.kind === 'MoveCall') [instr.moveFrom, instr.moveTo].forEach((a) => mark(a, i));
    else if (instr.kind === 'JumpFalseCall') mark(instr.condValueIndex, i);
    else mark(instr.valueIndex, i);
  });
  return at;
}

/**
 * Plans `requests` for a method with `instructions`. Inputs live from −1,
 * outputs until the end, mutable state for the whole method (so nothing ever
 * shares its bytes and it survives between executes); an unused tensor gets
 * the empty lifetime [−2, −2]. A view (aliasOf) extends its base's lifetime.
 */
export function planMethod(
  method: string,
  values: readonly ValueSpec[],
  instructions: readonly InstructionSpec[],
  requests: readonly PlanRequest[],
  outputs: readonly number[],
  alignment: number,
  aliasOf: (v: number) => number = (v) => v,
): MethodMemoryPlan {
  const n = instructions.length;
  const used = uses(values, instructions, aliasOf);
  const outputBases = new Set(outputs.map(aliasOf));
  const tensors = requests.map((r): PlannedTensorReport => {
    const at = used.get(r.value) ?? [];
    let firstUse = at.length > 0 ? Math.min(...at) : -2;
    let lastUse = at.length > 0 ? Math.max(...at) : -2;
    if (r.role === 'input' || r.role === 'mutable') firstUse = -1;
    if (outputBases.has(r.value) || r.role === 'mutable') lastUse = n;
    if (lastUse < firstUse) lastUse = firstUse;
    return { ...r, offset: 0, firstUse, lastUse };
  });
  const maxId = tensors.reduce((m, t) => Math.max(m, t.memoryId), 0);
  const arenas = Array.from({ length: maxId }, (_, i) => {
    const memoryId = i + 1;
    const mine = tensors.filter((t) => t.memoryId === memoryId);
    const plan = planMemory(mine, alignment);
    mine.forEach((t, j) => {
      t.offset = plan.offsets[j]!;
    });
    return { memoryId, size: plan.arenaSize };
  });
  return { method, arenas, tensors };
}
