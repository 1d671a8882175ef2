/**
 * Lowers an ElementwiseGraph to a ProgramSpec the way the exporter would: one
 * KernelCall per op with schema-order arguments plus the return slot, inputs
 * and intermediates planned into one arena, constants in the constant segment.
 */
import { tensorBytes, tensorDataToBytes } from '../dtype.js';
import type { MethodSpec, OperatorSpec, ProgramSpec, ValueSpec } from '../spec.js';
import { writeProgram } from '../write/write-program.js';
import type { ElementwiseGraph, GraphOp } from './graph.js';
import { constantData, resolveGraph } from './graph.js';
import { planMemory, type PlannedTensor } from './memory-plan.js';

const OPERATORS: Record<GraphOp['op'], OperatorSpec> = {
  add: { name: 'aten::add', overload: 'out' },
  mul: { name: 'aten::mul', overload: 'out' },
  clone: { name: 'dim_order_ops::_clone_dim_order', overload: 'out' },
};

const LEAF = '{"type": null, "context": null, "children_spec": []}';
const tuple = (children: string[]): string =>
  `{"type": "builtins.tuple", "context": "null", "children_spec": [${children.join(', ')}]}`;

/** pytree specs in the JSON treespec form current exporters write (args tuple, empty kwargs). */
function containerMeta(inputs: number, outputs: number): { encodedInputs: string; encodedOutputs: string } {
  const kwargs = '{"type": "builtins.dict", "context": "[]", "children_spec": []}';
  return {
    encodedInputs: `[1, ${tuple([tuple(new Array<string>(inputs).fill(LEAF)), kwargs])}]`,
    encodedOutputs: `[1, ${outputs === 1 ? LEAF : tuple(new Array<string>(outputs).fill(LEAF))}]`,
  };
}

/** The ProgramSpec for `graph` (single method). */
export function elementwiseProgramSpec(graph: ElementwiseGraph): ProgramSpec {
  const tensors = resolveGraph(graph);
  const values: ValueSpec[] = [];
  const index = new Map<string, number>();
  const add = (v: ValueSpec): number => values.push(v) - 1;

  // Planned tensors: inputs and op outputs, with lifetimes in instruction indices.
  const planned = [...graph.inputs.map((t) => t.name), ...graph.ops.map((op) => op.out)];
  const lifetimes = new Map<string, PlannedTensor>();
  for (const name of planned) {
    const t = tensors.get(name)!;
    const firstUse = graph.ops.findIndex((op) => op.out === name);
    lifetimes.set(name, { size: tensorBytes(t.dtype, t.shape), firstUse, lastUse: firstUse });
  }
  graph.ops.forEach((op, i) => {
    for (const name of op.op === 'clone' ? [op.self] : [op.self, op.other]) {
      const life = lifetimes.get(name);
      if (life) life.lastUse = Math.max(life.lastUse, i);
    }
  });
  for (const name of graph.outputs) {
    const life = lifetimes.get(name);
    if (life) life.lastUse = graph.ops.length;
  }
  const plan = planMemory(planned.map((n) => lifetimes.get(n)!));

  planned.forEach((name, i) => {
    const { dtype, shape, dimOrder } = tensors.get(name)!;
    const allocation = { memoryId: 1, offset: plan.offsets[i]! };
    index.set(name, add({ kind: 'Tensor', tensor: { dtype, shape, dimOrder, allocation } }));
  });
  for (const c of graph.constants) {
    const { dtype, shape, dimOrder } = tensors.get(c.name)!;
    const data = tensorDataToBytes(constantData(c)).slice();
    index.set(c.name, add({ kind: 'Tensor', tensor: { dtype, shape, dimOrder, data } }));
  }

  const operators: OperatorSpec[] = [];
  const opIndex = (op: GraphOp['op']): number => {
    const spec = OPERATORS[op];
    const found = operators.findIndex((o) => o.name === spec.name);
    return found >= 0 ? found : operators.push(spec) - 1;
  };
  const ref = (name: string): number => index.get(name)!;
  const instructions: MethodSpec['instructions'] = graph.ops.map((op) => {
    const out = ref(op.out);
    if (op.op === 'add') {
      const alpha = add({ kind: 'Int', value: op.alpha ?? 1 });
      return { kind: 'KernelCall', opIndex: opIndex('add'), args: [ref(op.self), ref(op.other), alpha, out, out] };
    }
    if (op.op === 'mul') return { kind: 'KernelCall', opIndex: opIndex('mul'), args: [ref(op.self), ref(op.other), out, out] };
    const nonBlocking = add({ kind: 'Bool', value: false });
    // IntList items are indices of Int values, not the integers themselves.
    const dimOrder =
      op.dimOrder === undefined
        ? add({ kind: 'Null' })
        : add({ kind: 'IntList', items: op.dimOrder.map((d) => add({ kind: 'Int', value: d })) });
    return { kind: 'KernelCall', opIndex: opIndex('clone'), args: [ref(op.self), nonBlocking, dimOrder, out, out] };
  });

  const method: MethodSpec = {
    name: graph.method ?? 'forward',
    values,
    inputs: graph.inputs.map((t) => ref(t.name)),
    outputs: graph.outputs.map(ref),
    instructions,
    operators,
    plannedMemory: [plan.arenaSize],
    containerMeta: containerMeta(graph.inputs.length, graph.outputs.length),
  };
  return { methods: [method] };
}

/** `.pte` bytes for `graph`. */
export function buildElementwiseProgram(graph: ElementwiseGraph): Uint8Array {
  return writeProgram(elementwiseProgramSpec(graph));
}
