/**
 * partitionXnnpack: ExecuTorch's to_backend for XNNPACK on a ProgramSpec. Each maximal run of
 * consecutive instructions that the XNNPACK backend takes (program/partition/xnn-ops.ts) is
 * replaced by one DelegateCall to `XnnpackBackend` whose payload holds the run as an XNNGraph
 * (weights in the program's named data). The rest stays on the portable kernels.
 *
 *   const { spec } = lowerToProgram(graph).build();
 *   const { spec: delegated, report } = partitionXnnpack(spec);
 *   writeProgram(delegated);                  // report.delegates, report.lowered
 */
import type { InstructionSpec, MethodSpec, ProgramSpec } from '../spec.js';
import { XnnGraphBuilder } from './xnn-graph.js';
import { plan, type OpContext, type Planned } from './xnn-ops.js';
import { writeXnnPayload } from './xnn-payload.js';

export const XNNPACK_ID = 'XnnpackBackend';

export interface PartitionReport {
  /** DelegateCalls written. */
  delegates: number;
  /** Instructions replaced by them. */
  lowered: number;
  /** KernelCalls left on the portable kernels, by operator. */
  remaining: Record<string, number>;
}

function valuesNamed(i: InstructionSpec): number[] {
  switch (i.kind) {
    case 'KernelCall': case 'DelegateCall': return i.args;
    case 'MoveCall': return [i.moveFrom, i.moveTo];
    case 'JumpFalseCall': return [i.condValueIndex];
    case 'FreeCall': return [i.valueIndex];
  }
}

// The values an instruction reads or writes, with the items of its list arguments: a cat reads
// every tensor in its TensorList, so a value that only a cat after the run reads must still be
// an output of the delegate (it was left inside it, and the cat read a buffer never written).
function valuesUsed(m: MethodSpec, i: InstructionSpec): number[] {
  return valuesNamed(i).flatMap((v) => {
    const x = m.values[v];
    return x?.kind === 'TensorList' || x?.kind === 'OptionalTensorList' ? [v, ...x.items.filter((k) => k >= 0)] : [v];
  });
}

function context(m: MethodSpec): OpContext {
  // value -> the instructions naming it, built once (users() is asked for every written value).
  const usedBy = new Map<number, number[]>();
  m.instructions.forEach((i, j) => {
    for (const v of new Set(valuesUsed(m, i))) usedBy.set(v, [...(usedBy.get(v) ?? []), j]);
  });
  return {
    m,
    opName(k) {
      const i = m.instructions[k];
      if (i?.kind !== 'KernelCall') return null;
      const op = m.operators[i.opIndex]!;
      return op.overload === '' ? op.name : `${op.name}.${op.overload}`;
    },
    args: (k) => (m.instructions[k] ? valuesNamed(m.instructions[k]) : []),
    users: (v, k) => (usedBy.get(v) ?? []).filter((j) => j !== k),
  };
}

function partitionMethod(m: MethodSpec, named: Map<string, Uint8Array>, report: PartitionReport): MethodSpec {
  // Jumps name instruction indices, which lowering would shift: such methods stay as they are.
  if (m.instructions.some((i) => i.kind === 'JumpFalseCall')) return m;
  const c = context(m);
  const plans: (Planned | null)[] = m.instructions.map((_, k) => plan(c, k));
  const delegates = [...(m.delegates ?? [])];
  const instructions: InstructionSpec[] = [];
  for (let k = 0; k < m.instructions.length;) {
    if (plans[k] === null) {
      instructions.push(m.instructions[k]!);
      k++;
      continue;
    }
    let end = k;
    while (end < m.instructions.length && plans[end] !== null) end++;
    const inRun = (j: number): boolean => j >= k && j < end;
    const written = [...new Set(plans.slice(k, end).flatMap((p) => p!.writes))];
    const outputs = written.filter((v) => m.outputs.includes(v) || c.users(v, -1).some((j) => !inRun(j)));
    const g = new XnnGraphBuilder(m);
    for (let j = k; j < end; j++) plans[j]!.emit(g);
    const graph = g.finish(outputs);
    if (graph.nodes.length === 0 || outputs.length === 0) {
      instructions.push(...m.instructions.slice(k, end));  // nothing to run, or nothing used: leave it
    } else {
      const { payload, namedData } = writeXnnPayload(graph);
      for (const d of namedData) named.set(d.key, d.data);
      const index = delegates.push({ id: XNNPACK_ID, payload }) - 1;
      instructions.push({ kind: 'DelegateCall', delegateIndex: index, args: [...g.externalInputs, ...outputs] });
      report.delegates++;
      report.lowered += end - k;
    }
    k = end;
  }
  for (const i of instructions) {
    if (i.kind !== 'KernelCall') continue;
    const op = m.operators[i.opIndex]!;
    const key = op.overload === '' ? op.name : `${op.name}.${op.overload}`;
    report.remaining[key] = (report.remaining[key] ?? 0) + 1;
  }
  return { ...m, instructions, delegates };
}

/** `spec` with the XNNPACK-supported runs of every method delegated, and what was done. */
export function partitionXnnpack(spec: ProgramSpec): { spec: ProgramSpec; report: PartitionReport } {
  const report: PartitionReport = { delegates: 0, lowered: 0, remaining: {} };
  const named = new Map<string, Uint8Array>((spec.namedData ?? []).map((d) => [d.key, d.data]));
  const methods = spec.methods.map((m) => partitionMethod(m, named, report));
  const out: ProgramSpec = { ...spec, methods };
  if (named.size > 0) out.namedData = [...named].map(([key, data]) => ({ key, data }));
  return { spec: out, report };
}
