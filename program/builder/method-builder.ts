/**
 * MethodBuilder: one method of a ProgramBuilder. Creates values (inputs,
 * constants, mutable state, intermediates, scalars, lists), records operator
 * and delegate calls, and on build plans memory and lowers to a MethodSpec.
 * Every call is checked when it is made; errors name the method and the call.
 */
import { tensorBytes, type DType } from '../dtype.js';
import { ProgramBuildError } from '../errors.js';
import type { DelegateSpec, InstructionSpec, MethodSpec, OperatorSpec, TensorSpec, ValueSpec } from '../spec.js';
import type { ArgInput } from './arguments.js';
import { lowerCall, type CallOptions, type CallSite } from './calls.js';
import { planMethod, type MethodMemoryPlan, type PlannedRole, type PlanRequest } from './lifetimes.js';
import type { OperatorRegistry, OperatorSchema } from './operators.js';
import {
  ValueRef, checkTensorOptions, tensorBytesOf, type PlannedOptions, type TensorFacts, type TensorOptions, type TensorValues,
} from './values.js';

type Role = PlannedRole | 'constant' | 'external' | 'unplanned';

interface TensorRecord {
  role: Role;
  memoryId: number;
  name: string | null;
}

export interface DelegateOptions {
  /** Backend registry name, e.g. `XnnpackBackend`. */
  id: string;
  /** The processed blob for the backend's init; stored in its own segment unless `inline`. */
  payload: Uint8Array;
  /** Compile specs in order; string values are stored as UTF-8 bytes. */
  compileSpecs?: Record<string, Uint8Array | string> | { key: string; value: Uint8Array | string }[];
  inline?: boolean;
}

const LEAF = '{"type": null, "context": null, "children_spec": []}';
const tuple = (children: string[]): string =>
  `{"type": "builtins.tuple", "context": "null", "children_spec": [${children.join(', ')}]}`;

export class MethodBuilder implements CallSite {
  private readonly values: ValueSpec[] = [];
  private readonly facts = new Map<number, TensorFacts>();
  private readonly records = new Map<number, TensorRecord>();
  private readonly instructions: InstructionSpec[] = [];
  private readonly operators: OperatorSpec[] = [];
  private readonly delegates: DelegateSpec[] = [];
  private readonly inputs: number[] = [];
  private readonly outputs: number[] = [];
  /** View value → the value whose memory it shares. */
  private readonly aliases = new Map<number, number>();

  /** @internal Made by ProgramBuilder.method(). */
  constructor(
    readonly name: string,
    /** @internal CallSite: the operator list calls are checked against. */
    readonly registry: () => OperatorRegistry,
  ) {}

  private where(what: string): string {
    return `method '${this.name}', ${what}`;
  }

  /** @internal Adds a value (ValueSink). */
  add(v: ValueSpec, tensor: TensorFacts | null = null): ValueRef {
    const index = this.values.push(v) - 1;
    if (tensor !== null) this.facts.set(index, tensor);
    return new ValueRef(this, this.name, index, v.kind, tensor);
  }

  /** @internal Checks that `ref` is one of this method's values (ValueSink). */
  own(ref: ValueRef, where: string): ValueRef {
    if (!(ref instanceof ValueRef) || ref.owner !== this) {
      const from = ref instanceof ValueRef ? `method '${ref.method}'` : 'somewhere else';
      throw new ProgramBuildError(`value comes from ${from}, not from this method`, where);
    }
    return ref;
  }

  private addTensor(o: TensorOptions, record: TensorRecord, extra: Partial<TensorSpec>, where: string): ValueRef {
    const facts = checkTensorOptions(o, where);
    if (!Number.isInteger(record.memoryId) || record.memoryId < 1) {
      throw new ProgramBuildError(`memoryId ${record.memoryId} must be an integer >= 1`, where);
    }
    const spec: TensorSpec = { dtype: facts.dtype, shape: [...facts.shape], dimOrder: [...facts.dimOrder], dynamism: facts.dynamism, ...extra };
    if (o.name !== undefined) spec.name = o.name;
    const ref = this.add({ kind: 'Tensor', tensor: spec }, facts);
    this.records.set(ref.index, record);
    return ref;
  }

  private planned(o: PlannedOptions, role: PlannedRole, where: string): ValueRef {
    const record: TensorRecord = { role: o.planned === false ? 'unplanned' : role, memoryId: o.memoryId ?? 1, name: o.name ?? null };
    return this.addTensor(o, record, {}, where);
  }

  /** A new method input (planned unless `planned: false`), or marks an existing value as the next input. */
  input(o: PlannedOptions | ValueRef): ValueRef {
    const where = this.where(`input ${this.inputs.length}`);
    const ref = o instanceof ValueRef ? this.own(o, where) : this.planned(o, 'input', where);
    if (o instanceof ValueRef && this.records.get(ref.index)?.role === 'intermediate') this.records.get(ref.index)!.role = 'input';
    this.inputs.push(ref.index);
    return ref;
  }

  /** A planned tensor for intermediate results (or, with `planned: false`, one whose memory comes at run time). */
  tensor(o: PlannedOptions): ValueRef {
    return this.planned(o, 'intermediate', this.where(`tensor v${this.values.length}`));
  }

  /** A constant tensor; its bytes go to the constant segment. `data` is in the tensor's dim order. */
  constant(o: TensorOptions & { data: TensorValues }): ValueRef {
    const where = this.where(`constant v${this.values.length}${o.name === undefined ? '' : ` '${o.name}'`}`);
    checkTensorOptions(o, where);
    if ((o.dynamism ?? 'static') !== 'static') throw new ProgramBuildError('a constant must be static', where);
    const data = tensorBytesOf(o.dtype, o.shape, o.data, where);
    return this.addTensor(o, { role: 'constant', memoryId: 1, name: o.name ?? null }, { data }, where);
  }

  /**
   * Mutable state: a planned tensor that starts as `initial` (stored in
   * mutable_data_segments) and keeps its value between executes, like the KV
   * cache of ExecuTorch's Llama export. Nothing else ever shares its bytes.
   */
  mutable(o: Omit<PlannedOptions, 'planned'> & { initial: TensorValues }): ValueRef {
    const where = this.where(`mutable buffer v${this.values.length}${o.name === undefined ? '' : ` '${o.name}'`}`);
    checkTensorOptions(o, where);
    const initialData = tensorBytesOf(o.dtype, o.shape, o.initial, where);
    return this.addTensor(o, { role: 'mutable', memoryId: o.memoryId ?? 1, name: o.name ?? null }, { initialData }, where);
  }

  /** A constant whose bytes come from the named data map under `key` (the program's or a `.ptd` file's). */
  external(o: Omit<TensorOptions, 'name'> & { key: string }): ValueRef {
    const where = this.where(`external tensor '${o.key}'`);
    return this.addTensor({ ...o, name: o.key }, { role: 'external', memoryId: 1, name: o.key }, { external: true }, where);
  }

  int(value: number | bigint): ValueRef {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new ProgramBuildError(`${value} is not an integer`, this.where(`int v${this.values.length}`));
    }
    return this.add({ kind: 'Int', value });
  }

  double(value: number): ValueRef {
    return this.add({ kind: 'Double', value });
  }

  bool(value: boolean): ValueRef {
    return this.add({ kind: 'Bool', value });
  }

  string(value: string): ValueRef {
    return this.add({ kind: 'String', value });
  }

  none(): ValueRef {
    return this.add({ kind: 'Null' });
  }

  /** A boxed int list: literals become new Int values, ValueRefs (symbolic ints) are used as they are. */
  intList(items: readonly (number | bigint | ValueRef)[]): ValueRef {
    const where = this.where(`int list v${this.values.length}`);
    const refs = items.map((x, i) => {
      if (x instanceof ValueRef) {
        this.own(x, `${where}[${i}]`);
        if (x.kind !== 'Int') throw new ProgramBuildError(`item is a ${x.kind}, IntList items must be Int values`, `${where}[${i}]`);
        return x;
      }
      return this.int(x);
    });
    return this.add({ kind: 'IntList', items: refs.map((r) => r.index) });
  }

  doubleList(items: readonly number[]): ValueRef {
    return this.add({ kind: 'DoubleList', items: [...items] });
  }

  boolList(items: readonly boolean[]): ValueRef {
    return this.add({ kind: 'BoolList', items: [...items] });
  }

  tensorList(items: readonly ValueRef[]): ValueRef {
    const where = this.where(`tensor list v${this.values.length}`);
    items.forEach((x, i) => {
      if (this.own(x, `${where}[${i}]`).kind !== 'Tensor') throw new ProgramBuildError(`item is a ${x.kind}`, `${where}[${i}]`);
    });
    return this.add({ kind: 'TensorList', items: items.map((x) => x.index) });
  }

  optionalTensorList(items: readonly (ValueRef | null)[]): ValueRef {
    const refs = items.map((x, i) => (x === null ? this.none() : this.own(x, this.where(`optional tensor list item ${i}`))));
    return this.add({ kind: 'OptionalTensorList', items: refs.map((x) => x.index) });
  }

  private operatorIndex(op: OperatorSchema): number {
    const found = this.operators.findIndex((o) => o.name === op.name && o.overload === op.overload);
    return found >= 0 ? found : this.operators.push({ name: op.name, overload: op.overload }) - 1;
  }

  /**
   * Calls operator `op` (a qualified name from the operator list, e.g.
   * `aten::add.out`). `args` are by schema name (or positional, in schema order);
   * left-out arguments take their schema default, optional ones None. An out
   * tensor left out is created when the output shape can be inferred. Returns
   * the value in the return slot: the out tensor for `.out` ops.
   * @throws UnknownOperatorError, ShapeMismatchError, UnknownDTypeError or ProgramBuildError.
   */
  call(op: string, args: Record<string, ArgInput> | readonly ArgInput[] = {}, options: CallOptions = {}): ValueRef {
    const lowered = lowerCall(this, op, args, options, this.where(`call ${this.instructions.length} (${op})`));
    this.instructions.push({ kind: 'KernelCall', opIndex: this.operatorIndex(lowered.schema), args: lowered.args });
    if (lowered.viewOf !== null) this.aliases.set(lowered.returns.index, this.aliasOf(lowered.viewOf));
    return lowered.returns;
  }

  /** @internal CallSite: items of a list value. */
  listItems(index: number): number[] {
    const v = this.values[index];
    return v !== undefined && 'items' in v ? [...(v.items as number[])] : [];
  }

  /** @internal CallSite. */
  dtypeOf(index: number): DType | undefined {
    return this.facts.get(index)?.dtype;
  }

  /** @internal CallSite. */
  isConstant(index: number): boolean {
    const role = this.records.get(index)?.role;
    return role === 'constant' || role === 'external';
  }

  private aliasOf(v: number): number {
    return this.aliases.get(v) ?? v;
  }

  /**
   * Calls backend `id` on `inputs`, writing `outputs` (DelegateCall args are
   * inputs then outputs). Returns the delegate's index in the method.
   */
  delegate(o: DelegateOptions, inputs: readonly ValueRef[], outputs: readonly ValueRef[]): number {
    const where = this.where(`delegate ${this.delegates.length} (${o.id})`);
    if (typeof o.id !== 'string' || o.id === '') throw new ProgramBuildError('id must be a backend name', where);
    if (!(o.payload instanceof Uint8Array)) throw new ProgramBuildError('payload must be a Uint8Array', where);
    [...inputs, ...outputs].forEach((r, i) => this.own(r, `${where}, argument ${i}`));
    const entries = Array.isArray(o.compileSpecs)
      ? o.compileSpecs.map((s) => [s.key, s.value] as const)
      : Object.entries(o.compileSpecs ?? {});
    const compileSpecs = entries.map(([key, value]) => ({
      key,
      value: typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'utf8')) : new Uint8Array(value),
    }));
    const spec: DelegateSpec = { id: o.id, payload: new Uint8Array(o.payload), compileSpecs };
    if (o.inline === true) spec.inline = true;
    const index = this.delegates.push(spec) - 1;
    this.instructions.push({ kind: 'DelegateCall', delegateIndex: index, args: [...inputs, ...outputs].map((r) => r.index) });
    return index;
  }

  /** Marks values as the method's outputs, in order. */
  output(...refs: ValueRef[]): void {
    refs.forEach((r) => this.outputs.push(this.own(r, this.where(`output ${this.outputs.length}`)).index));
  }

  /** @internal Tensor facts (or the value kind) of each input / output, for test cases. */
  io(): { inputs: { kind: string; tensor: TensorFacts | null }[]; outputs: { kind: string; tensor: TensorFacts | null }[] } {
    const describe = (v: number): { kind: string; tensor: TensorFacts | null } => ({ kind: this.values[v]!.kind, tensor: this.facts.get(v) ?? null });
    return { inputs: this.inputs.map(describe), outputs: this.outputs.map(describe) };
  }

  /** @internal Plans memory and lowers the method. */
  finish(alignment: number): { spec: MethodSpec; memory: MethodMemoryPlan } {
    const requests: PlanRequest[] = [];
    for (const [value, r] of this.records) {
      if (r.role !== 'input' && r.role !== 'intermediate' && r.role !== 'mutable') continue;
      const t = this.facts.get(value)!;
      requests.push({ value, name: r.name, role: r.role, memoryId: r.memoryId, size: tensorBytes(t.dtype, [...t.shape]) });
    }
    requests.sort((a, b) => a.value - b.value);
    const memory = planMethod(this.name, this.values, this.instructions, requests, this.outputs, alignment, (v) => this.aliasOf(v));
    const values = this.values.map((v): ValueSpec => (v.kind === 'Tensor' ? { kind: 'Tensor', tensor: { ...v.tensor } } : v));
    for (const t of memory.tensors) {
      (values[t.value] as { tensor: TensorSpec }).tensor.allocation = { memoryId: t.memoryId, offset: t.offset };
    }
    const spec: MethodSpec = {
      name: this.name,
      values,
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      instructions: [...this.instructions],
      operators: [...this.operators],
      delegates: [...this.delegates],
      plannedMemory: memory.arenas.map((a) => a.size),
      containerMeta: {
        encodedInputs: `[1, ${tuple([tuple(new Array<string>(this.inputs.length).fill(LEAF)), '{"type": "builtins.dict", "context": "[]", "children_spec": []}'])}]`,
        encodedOutputs: `[1, ${this.outputs.length === 1 ? LEAF : tuple(new Array<string>(this.outputs.length).fill(LEAF))}]`,
      },
    };
    return { spec, memory };
  }
}
