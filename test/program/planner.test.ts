// The memory planner never lets two live tensors overlap: property tests with fast-check over
// planMemory (sizes, lifetimes, alignments) and over the builder's lifetime analysis (planMethod),
// whose lifetimes must cover every instruction that touches a tensor.

import test from 'ava';
import fc from 'fast-check';
import {
  planMemory, planMethod, type InstructionSpec, type PlanRequest, type PlannedTensor, type ValueSpec,
} from '../../program/index.js';

const tensor: fc.Arbitrary<PlannedTensor> = fc
  .record({ size: fc.nat({ max: 300 }), firstUse: fc.integer({ min: -2, max: 20 }), length: fc.nat({ max: 8 }) })
  .map(({ size, firstUse, length }) => ({ size, firstUse, lastUse: firstUse + length }));
const alignment = fc.constantFrom(1, 2, 4, 8, 16, 32, 64);

const live = (a: PlannedTensor, b: PlannedTensor): boolean => a.firstUse <= b.lastUse && b.firstUse <= a.lastUse;
const disjoint = (oa: number, sa: number, ob: number, sb: number): boolean => oa + sa <= ob || ob + sb <= oa;

test('planMemory: live tensors never overlap, offsets are aligned, the arena holds everything', (t) => {
  fc.assert(
    fc.property(fc.array(tensor, { maxLength: 40 }), alignment, (tensors, align) => {
      const plan = planMemory(tensors, align);
      if (plan.offsets.length !== tensors.length) return false;
      if (plan.arenaSize % align !== 0) return false;
      for (let i = 0; i < tensors.length; i++) {
        const a = tensors[i]!;
        const oa = plan.offsets[i]!;
        if (oa % align !== 0 || oa + a.size > plan.arenaSize) return false;
        for (let j = i + 1; j < tensors.length; j++) {
          const b = tensors[j]!;
          if (a.size > 0 && b.size > 0 && live(a, b) && !disjoint(oa, a.size, plan.offsets[j]!, b.size)) return false;
        }
      }
      return true;
    }),
    { numRuns: 500, seed: 7 },
  );
  t.pass();
});

test('planMemory is deterministic and no larger than laying every tensor end to end', (t) => {
  fc.assert(
    fc.property(fc.array(tensor, { maxLength: 30 }), alignment, (tensors, align) => {
      const a = planMemory(tensors, align);
      const b = planMemory(tensors.map((x) => ({ ...x })), align);
      const naive = tensors.reduce((end, x) => Math.ceil(end / align) * align + x.size, 0);
      return JSON.stringify(a) === JSON.stringify(b) && a.arenaSize <= Math.ceil(naive / align) * align;
    }),
    { numRuns: 300, seed: 11 },
  );
  t.pass();
});

/** A random method: `count` tensor values (planned) and kernel calls touching random subsets. */
const method = fc
  .record({
    count: fc.integer({ min: 1, max: 12 }),
    sizes: fc.array(fc.integer({ min: 0, max: 96 }), { minLength: 12, maxLength: 12 }),
    memoryIds: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 12, maxLength: 12 }),
    roles: fc.array(fc.constantFrom('input' as const, 'intermediate' as const, 'mutable' as const), { minLength: 12, maxLength: 12 }),
    calls: fc.array(fc.array(fc.nat({ max: 11 }), { minLength: 1, maxLength: 4 }), { maxLength: 10 }),
    outputs: fc.array(fc.nat({ max: 11 }), { maxLength: 3 }),
  })
  .map((r) => ({
    values: Array.from({ length: r.count }, (): ValueSpec => ({ kind: 'Tensor', tensor: { dtype: 'uint8', shape: [1] } })),
    requests: Array.from({ length: r.count }, (_, i): PlanRequest => ({
      value: i, name: null, role: r.roles[i]!, memoryId: r.memoryIds[i]!, size: r.sizes[i]!,
    })),
    instructions: r.calls.map((args): InstructionSpec => ({ kind: 'KernelCall', opIndex: 0, args: args.map((a) => a % r.count) })),
    outputs: r.outputs.map((o) => o % r.count),
  }));

test('planMethod: lifetimes cover every use; tensors live at the same time never share bytes in an arena', (t) => {
  fc.assert(
    fc.property(method, alignment, (m, align) => {
      const plan = planMethod('m', m.values, m.instructions, m.requests, m.outputs, align);
      const n = m.instructions.length;
      for (const p of plan.tensors) {
        const usedAt = m.instructions.flatMap((instr, i) => (instr.kind === 'KernelCall' && instr.args.includes(p.value) ? [i] : []));
        if (usedAt.some((i) => i < p.firstUse || i > p.lastUse)) return false;
        if ((p.role === 'input' || p.role === 'mutable') && p.firstUse !== -1) return false;
        if ((p.role === 'mutable' || m.outputs.includes(p.value)) && p.lastUse !== n) return false;
        const arena = plan.arenas[p.memoryId - 1]!;
        if (p.offset % align !== 0 || p.offset + p.size > arena.size) return false;
      }
      for (const a of plan.tensors) {
        for (const b of plan.tensors) {
          if (a === b || a.memoryId !== b.memoryId || a.size === 0 || b.size === 0 || !live(a, b)) continue;
          if (!disjoint(a.offset, a.size, b.offset, b.size)) return false;
        }
      }
      return true;
    }),
    { numRuns: 500, seed: 13 },
  );
  t.pass();
});
