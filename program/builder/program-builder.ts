/**
 * ProgramBuilder: builds `.pte` programs (and `.bpte` bundles with test cases)
 * from operator calls checked against the runtime's operator list.
 *
 *   const b = new ProgramBuilder();
 *   const m = b.method('forward');
 *   const x = m.input({ dtype: 'float32', shape: [4] });
 *   const w = m.constant({ dtype: 'float32', shape: [4], data: [1, 2, 3, 4] });
 *   const y = m.call('aten::mul.out', { self: x, other: w });      // out tensor inferred and planned
 *   m.output(m.call('aten::add.out', { self: y, other: x, alpha: 2 }));
 *   b.testCase('forward', { inputs: [[1, 1, 1, 1]], expectedOutputs: [[3, 4, 5, 6]] });
 *   const { pte, bpte, memory } = b.build();
 *
 * Memory is planned per method and memory id from the tensors' lifetimes
 * (greedy, aligned; see lifetimes.ts); `memory` reports every placement. The
 * same calls give the same bytes.
 */
import { tensorDataFromBytes } from '../dtype.js';
import { ProgramBuildError, ShapeMismatchError } from '../errors.js';
import type { BundledSuite, BundledTestCase, BundledValue } from '../bundled-types.js';
import type { ProgramSpec } from '../spec.js';
import { DEFAULT_TOLERANCE, type ToleranceEntry } from '../suite/tolerances.js';
import { writeBundled } from '../write/write-bundled.js';
import { writeProgram } from '../write/write-program.js';
import type { MethodMemoryPlan } from './lifetimes.js';
import { MethodBuilder } from './method-builder.js';
import { OperatorRegistry } from './operators.js';
import { tensorBytesOf, type TensorFacts, type TensorValues } from './values.js';

export interface ProgramBuilderOptions {
  /** Operators calls are checked against; default: native/kernels/ops.yaml. */
  operators?: OperatorRegistry;
  /** Alignment of planned tensors in their arena; default 16. */
  alignment?: number;
  /** Alignment of segments in the file; default 128 (the exporter's). */
  segmentAlignment?: number;
}

/**
 * One input or expected output of a test case. A tensor is its values (in the
 * method tensor's dim order) at the declared shape, or `{ shape, data }` for
 * another shape (a dynamic_bound tensor fed less than its bound). Scalars are
 * numbers, bigints or booleans; their kind comes from the method's value.
 */
export type TestValue = TensorValues | { shape: number[]; data: TensorValues } | number | bigint | boolean;

export interface TestCaseSpec {
  inputs: TestValue[];
  /** Left out: the case only supplies inputs (the runtime then has nothing to compare). */
  expectedOutputs?: TestValue[];
  /** Tolerances of this case, for the manifest (BuiltProgram.tolerances); default 1e-5 / 1e-8. */
  rtol?: number;
  atol?: number;
}

export interface BuiltProgram {
  /** The `.pte` file. */
  pte: Uint8Array;
  /** A `.bpte` with the test cases and `pte` embedded; null when no test case was added. */
  bpte: Uint8Array | null;
  /** What writeProgram was given (values, instructions, allocations). */
  spec: ProgramSpec;
  /** Planned memory of each method: arena sizes per memory id and every tensor's slot and lifetime. */
  memory: MethodMemoryPlan[];
  /**
   * Manifest entries (without `file`) for the methods whose test cases set
   * rtol/atol; write them with formatToleranceManifest beside the `.bpte` as
   * `<stem>.tolerances.json`. Empty when no case sets a tolerance.
   */
  tolerances: ToleranceEntry[];
}

function isShaped(v: TestValue): v is { shape: number[]; data: TensorValues } {
  return typeof v === 'object' && !ArrayBuffer.isView(v) && !Array.isArray(v);
}

/** Checks one test value against the method's value and converts it for writeBundled. */
function testValue(v: TestValue, io: { kind: string; tensor: TensorFacts | null }, where: string): BundledValue {
  if (io.tensor === null) {
    if (io.kind === 'Int' && (typeof v === 'number' || typeof v === 'bigint')) return { kind: 'Int', value: BigInt(v) };
    if (io.kind === 'Double' && typeof v === 'number') return { kind: 'Double', value: v };
    if (io.kind === 'Bool' && typeof v === 'boolean') return { kind: 'Bool', value: v };
    throw new ProgramBuildError(`a ${typeof v} does not fit a ${io.kind} value`, where);
  }
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') {
    throw new ProgramBuildError(`a ${typeof v} given for a tensor`, where);
  }
  const t = io.tensor;
  const shape = isShaped(v) ? v.shape : [...t.shape];
  const data = isShaped(v) ? v.data : v;
  const bound = [...t.shape];
  const fits =
    shape.length === bound.length &&
    shape.every((d, i) => (t.dynamism === 'static' ? d === bound[i] : Number.isInteger(d) && d >= 0 && d <= bound[i]!));
  if (!fits) {
    const rule = t.dynamism === 'static' ? 'must equal' : 'must be within the bound';
    throw new ShapeMismatchError(`shape [${shape}] ${rule} [${bound}] (${t.dynamism})`, where, bound, shape);
  }
  const bytes = tensorBytesOf(t.dtype, shape, data, where);
  return { kind: 'Tensor', dtype: t.dtype, shape, dimOrder: [...t.dimOrder], data: tensorDataFromBytes(t.dtype, bytes) };
}

export class ProgramBuilder {
  private readonly methods: MethodBuilder[] = [];
  private readonly named: { key: string; data: Uint8Array }[] = [];
  private readonly cases: { method: string; c: TestCaseSpec }[] = [];
  private registry: OperatorRegistry | undefined;

  constructor(private readonly options: ProgramBuilderOptions = {}) {
    this.registry = options.operators;
    const alignment = options.alignment ?? 16;
    if (!Number.isInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0) {
      throw new ProgramBuildError(`${alignment} is not a power of two`, 'options.alignment');
    }
  }

  /** Adds a method; names must be unique. */
  method(name: string): MethodBuilder {
    if (typeof name !== 'string' || name === '') throw new ProgramBuildError('a method needs a name', `method ${this.methods.length}`);
    if (this.methods.some((m) => m.name === name)) throw new ProgramBuildError('is defined twice', `method '${name}'`);
    // The operator list is read on the first call that needs it, not on import.
    const m = new MethodBuilder(name, () => (this.registry ??= OperatorRegistry.default()));
    this.methods.push(m);
    return m;
  }

  /** A blob in Program.named_data (delegate weights, or the data of `external` tensors). */
  namedData(key: string, data: Uint8Array): this {
    if (this.named.some((n) => n.key === key)) throw new ProgramBuildError('is used twice', `named data '${key}'`);
    this.named.push({ key, data: new Uint8Array(data) });
    return this;
  }

  /** A test case for `method`, checked against its inputs and outputs at build(). */
  testCase(method: string, c: TestCaseSpec): this {
    this.cases.push({ method, c });
    return this;
  }

  private tolerances(): ToleranceEntry[] {
    const methods = [...new Set(this.cases.map((c) => c.method))];
    return methods
      .filter((method) => this.cases.some((c) => c.method === method && (c.c.rtol !== undefined || c.c.atol !== undefined)))
      .map((method) => ({
        method,
        cases: this.cases
          .filter((c) => c.method === method)
          .map(({ c }, i) => {
            const t = { rtol: c.rtol ?? DEFAULT_TOLERANCE.rtol, atol: c.atol ?? DEFAULT_TOLERANCE.atol };
            if (![t.rtol, t.atol].every((x) => Number.isFinite(x) && x >= 0)) {
              throw new ProgramBuildError('rtol and atol must be finite numbers >= 0', `test case ${i} of method '${method}'`);
            }
            return t;
          }),
      }));
  }

  private suites(): BundledSuite[] {
    const suites: BundledSuite[] = [];
    this.cases.forEach(({ method, c }, n) => {
      const where = `test case ${n} of method '${method}'`;
      const m = this.methods.find((x) => x.name === method);
      if (m === undefined) throw new ProgramBuildError('no such method', where);
      const io = m.io();
      const expected = c.expectedOutputs ?? [];
      if (c.inputs.length !== io.inputs.length) {
        throw new ProgramBuildError(`${c.inputs.length} inputs given, the method has ${io.inputs.length}`, where);
      }
      if (expected.length !== 0 && expected.length !== io.outputs.length) {
        throw new ProgramBuildError(`${expected.length} expected outputs given, the method has ${io.outputs.length}`, where);
      }
      const testCase: BundledTestCase = {
        inputs: c.inputs.map((v, i) => testValue(v, io.inputs[i]!, `${where}, input ${i}`)),
        expectedOutputs: expected.map((v, i) => testValue(v, io.outputs[i]!, `${where}, expected output ${i}`)),
      };
      let suite = suites.find((s) => s.methodName === method);
      if (suite === undefined) suites.push((suite = { methodName: method, testCases: [] }));
      suite.testCases.push(testCase);
    });
    return suites;
  }

  /**
   * Plans memory, writes the `.pte` and, when there are test cases, the `.bpte`.
   * @throws ProgramBuildError for problems only the whole program shows (no
   *   method, a test case that does not fit).
   */
  build(): BuiltProgram {
    if (this.methods.length === 0) throw new ProgramBuildError('has no methods', 'program');
    const alignment = this.options.alignment ?? 16;
    const lowered = this.methods.map((m) => m.finish(alignment));
    const spec: ProgramSpec = { methods: lowered.map((l) => l.spec) };
    if (this.named.length > 0) spec.namedData = this.named.map((n) => ({ ...n }));
    if (this.options.segmentAlignment !== undefined) spec.segmentAlignment = this.options.segmentAlignment;
    const pte = writeProgram(spec);
    const suites = this.suites();
    return {
      pte,
      bpte: this.cases.length === 0 ? null : writeBundled(pte, suites),
      spec,
      memory: lowered.map((l) => l.memory),
      tolerances: this.tolerances(),
    };
  }
}
