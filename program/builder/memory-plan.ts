/**
 * Greedy planned-memory layout: tensors whose lifetimes overlap get disjoint
 * byte ranges of one arena, others may share bytes (like KeywordSpotting's
 * ping-pong arena). Offsets are aligned so every tensor suits any kernel.
 */

export interface PlannedTensor {
  /** Bytes needed. */
  size: number;
  /** First instruction index at which the tensor must hold its value (−1 = before the first). */
  firstUse: number;
  /** Last instruction index that reads or writes it, inclusive. */
  lastUse: number;
}

export interface MemoryPlan {
  /** Byte offset of each tensor, same order as the input. */
  offsets: number[];
  /** Arena size: the highest end, rounded up to the alignment. */
  arenaSize: number;
}

function overlaps(a: PlannedTensor, b: PlannedTensor): boolean {
  return a.firstUse <= b.lastUse && b.firstUse <= a.lastUse;
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/**
 * Places tensors largest first (ties: earlier first use, then input order), each
 * at the lowest aligned offset that does not collide with an already placed
 * tensor alive at the same time. Deterministic for a given input.
 */
export function planMemory(tensors: readonly PlannedTensor[], alignment = 16): MemoryPlan {
  const order = tensors
    .map((t, i) => ({ t, i }))
    .sort((x, y) => y.t.size - x.t.size || x.t.firstUse - y.t.firstUse || x.i - y.i);
  const offsets = new Array<number>(tensors.length).fill(0);
  const placed: { t: PlannedTensor; offset: number }[] = [];
  for (const { t, i } of order) {
    const busy = placed
      .filter((p) => overlaps(p.t, t) && p.t.size > 0)
      .sort((a, b) => a.offset - b.offset);
    let offset = 0;
    for (const p of busy) {
      if (offset + t.size <= p.offset) break;
      offset = Math.max(offset, alignUp(p.offset + p.t.size, alignment));
    }
    offsets[i] = offset;
    placed.push({ t, offset });
  }
  const end = tensors.reduce((m, t, i) => Math.max(m, (offsets[i] ?? 0) + t.size), 0);
  return { offsets, arenaSize: alignUp(end, alignment) };
}
