/**
 * Builds one operator-suite case into a one-instruction bundled program: the
 * case's tensors become method inputs (or constants), its out tensors the
 * method outputs, and the expected outputs come from running the program on
 * the float64 reference (referenceRun), so they are judged by ATen's semantics
 * rather than by our kernels.
 *
 *   const built = buildCase(suite, suite.cases[0]!);
 *   fs.writeFileSync(`${built.stem}.bpte`, built.bpte);
 */
import { tensorBytes, tensorDataFromBytes, type DType, type TensorData } from '../../dtype.js';
import { ProgramBuildError } from '../../errors.js';
import { OperatorRegistry, type OperatorSchema } from '../../builder/operators.js';
import { ProgramBuilder } from '../../builder/program-builder.js';
import type { ArgInput } from '../../builder/arguments.js';
import type { MethodBuilder } from '../../builder/method-builder.js';
import type { ValueRef } from '../../builder/values.js';
import { referenceRun } from '../../reference/interpreter.js';
import { writeLogical } from '../../reference/memory.js';
import { isTensor, type RefTensor } from '../../reference/tensor.js';
import type { CaseTolerance } from '../tolerances.js';
import { isCaseTensor, type CaseArg, type CaseOut, type CaseTensor, type OpCase, type OpSuite } from './case.js';
import { isFloatDType, normalizeValues, seedOf, seededValues } from './values.js';

export interface BuiltCase {
  op: string;
  name: string;
  /** File stem: the operator with `::` and `.` made safe, then the case name. */
  stem: string;
  bpte: Uint8Array;
  tolerance: CaseTolerance;
}

/** `aten::add.Scalar_out` + `f32_edge` → `aten__add.Scalar_out__f32_edge`. */
export function caseStem(op: string, name: string): string {
  return `${op.replace('::', '__')}__${name}`;
}

/** Default tolerance for an out dtype: exact for integers and bool. */
export function defaultTolerance(dtype: DType): CaseTolerance {
  if (!isFloatDType(dtype)) return { rtol: 0, atol: 0 };
  if (dtype === 'float16' || dtype === 'bfloat16') return { rtol: 1e-2, atol: 1e-3 };
  if (dtype === 'float64') return { rtol: 1e-9, atol: 1e-12 };
  return { rtol: 1e-5, atol: 1e-6 };
}

const contiguous = (rank: number): number[] => Array.from({ length: rank }, (_, i) => i);

/** Logical values → the bytes of the tensor laid out in its dim order, as a typed array. */
function memoryOrder(t: RefTensor): TensorData {
  const bytes = new Uint8Array(tensorBytes(t.dtype, t.shape));
  writeLogical(t.dtype, t.shape, t.dimOrder, t.data, bytes);
  return tensorDataFromBytes(t.dtype, bytes);
}

class CaseProgram {
  private readonly builder: ProgramBuilder;
  private readonly method: MethodBuilder;
  /** Method inputs in order, as the reference sees them. */
  readonly inputs: RefTensor[] = [];
  private tensorCount = 0;

  constructor(registry: OperatorRegistry, private readonly where: string, private readonly seed: number) {
    this.builder = new ProgramBuilder({ operators: registry });
    this.method = this.builder.method('forward');
  }

  private tensor(t: CaseTensor, at: string): ValueRef {
    const dimOrder = t.dimOrder ?? contiguous(t.shape.length);
    const count = t.shape.reduce((n, d) => n * d, 1);
    let data: number[] | bigint[];
    if (t.data !== undefined) {
      if (t.data.length !== count) {
        throw new ProgramBuildError(`${at}: ${t.data.length} values given for shape [${t.shape}] (${count} elements)`, this.where);
      }
      data = normalizeValues(t.dtype, t.data);
    } else {
      data = seededValues(t.dtype, count, (this.seed + 7919 * this.tensorCount) >>> 0, t.range);
    }
    this.tensorCount += 1;
    const ref: RefTensor = { dtype: t.dtype, shape: [...t.shape], dimOrder, data };
    if (t.constant === true) {
      return this.method.constant({ dtype: t.dtype, shape: t.shape, dimOrder, data: memoryOrder(ref) });
    }
    this.inputs.push(ref);
    return this.method.input({ dtype: t.dtype, shape: t.shape, dimOrder });
  }

  private arg(value: CaseArg, name: string): ArgInput {
    if (isCaseTensor(value)) return this.tensor(value, `argument '${name}'`);
    if (Array.isArray(value) && value.some((v) => isCaseTensor(v) || v === null) && value.some((v) => isCaseTensor(v))) {
      return (value as readonly (CaseTensor | null)[]).map((v, i) => (v === null ? null : this.tensor(v, `argument '${name}'[${i}]`)));
    }
    return value as ArgInput;
  }

  private out(o: CaseOut): ValueRef {
    return this.method.tensor({ dtype: o.dtype, shape: o.shape, dimOrder: o.dimOrder ?? contiguous(o.shape.length) });
  }

  /** Adds the call; returns the out tensors in method-output order. */
  call(schema: OperatorSchema, c: OpCase): { refs: ValueRef[]; outs: CaseOut[] } {
    const names = new Set(schema.args.map((a) => a.name));
    for (const key of [...Object.keys(c.args), ...Object.keys(c.outs)]) {
      if (!names.has(key)) throw new ProgramBuildError(`'${key}' is not an argument of ${schema.schema}`, this.where);
    }
    const args: Record<string, ArgInput> = {};
    const refs: ValueRef[] = [];
    const outs: CaseOut[] = [];
    for (const a of schema.args) {
      if (a.type.mutable) {
        const o = c.outs[a.name];
        if (o === undefined) throw new ProgramBuildError(`out argument '${a.name}' is not given`, this.where);
        const list = Array.isArray(o) ? (o as readonly CaseOut[]) : [o as CaseOut];
        const made = list.map((x) => this.out(x));
        refs.push(...made);
        outs.push(...list);
        args[a.name] = Array.isArray(o) ? made : made[0]!;
      } else if (a.name in c.args) {
        args[a.name] = this.arg(c.args[a.name]!, a.name);
      }
    }
    this.method.call(schema.qualifiedName, args);
    this.method.output(...refs);
    return { refs, outs };
  }

  pte(): Uint8Array {
    return this.builder.build().pte;
  }

  bpte(expected: TensorData[], tolerance: CaseTolerance): Uint8Array {
    this.builder.testCase('forward', {
      inputs: this.inputs.map(memoryOrder), expectedOutputs: expected, rtol: tolerance.rtol, atol: tolerance.atol,
    });
    const built = this.builder.build();
    if (built.bpte === null) throw new ProgramBuildError('no bundled program was written', this.where);
    return built.bpte;
  }
}

/**
 * Builds `c` of `suite` into a `.bpte` whose one test case holds the reference's outputs.
 * @throws ProgramBuildError naming the case when the case does not fit the schema;
 *   ReferenceOpError when the reference rejects it.
 */
export function buildCase(suite: OpSuite, c: OpCase, registry: OperatorRegistry = OperatorRegistry.default()): BuiltCase {
  const where = `suite case ${suite.op} '${c.name}'`;
  if (!/^[a-z0-9_]+$/.test(c.name)) throw new ProgramBuildError('case names are [a-z0-9_]+', where);
  const schema = registry.get(suite.op);
  if (schema === undefined) throw new ProgramBuildError(`operator ${suite.op} is not in the operator list`, where);
  const program = new CaseProgram(registry, where, c.seed ?? seedOf(`${suite.op}/${c.name}`));
  const { outs } = program.call(schema, c);
  const results = referenceRun(program.pte(), 'forward', program.inputs);
  const expected = results.map((r, i) => {
    if (!isTensor(r)) throw new ProgramBuildError(`the reference returned no tensor for output ${i}`, where);
    return memoryOrder({ ...r, dimOrder: outs[i]?.dimOrder ?? contiguous(r.shape.length) });
  });
  const base = defaultTolerance(outs[0]?.dtype ?? 'float32');
  const tolerance = { rtol: c.rtol ?? base.rtol, atol: c.atol ?? base.atol };
  return { op: suite.op, name: c.name, stem: caseStem(suite.op, c.name), bpte: program.bpte(expected, tolerance), tolerance };
}
