/**
 * Lowering one operator call the way the exporter does: every schema argument
 * in schema order (defaults materialised, JS literals turned into values), an
 * inferred out tensor when the caller left it out, then one return slot. The
 * checks here (unknown operator or argument, kinds, dtypes, shapes) are what
 * makes a bad call fail at build time rather than in a runtime.
 */
import { ProgramBuildError, ShapeMismatchError, UnknownOperatorError } from '../errors.js';
import type { DType } from '../dtype.js';
import { argumentValue, defaultInput, type ArgInput, type ValueSink } from './arguments.js';
import type { OperatorRegistry, OperatorSchema } from './operators.js';
import { inferOut, isView, type ArgFacts, type InferredOut } from './shapes.js';
import type { PlannedOptions, ValueRef } from './values.js';

/** Options of a call: `returns` gives the tensor a functional op (et_view) returns into. */
export interface CallOptions {
  returns?: ValueRef;
}

/** What lowering needs from the method being built (MethodBuilder implements it). */
export interface CallSite extends ValueSink {
  registry(): OperatorRegistry;
  tensor(o: PlannedOptions): ValueRef;
  tensorList(items: readonly ValueRef[]): ValueRef;
  none(): ValueRef;
  int(value: number): ValueRef;
  bool(value: boolean): ValueRef;
  double(value: number): ValueRef;
  /** Items of a list value (TensorList, IntList, ...). */
  listItems(index: number): number[];
  dtypeOf(index: number): DType | undefined;
  /** True for constant and external tensors, which an out argument must not be. */
  isConstant(index: number): boolean;
}

export interface LoweredCall {
  schema: OperatorSchema;
  /** KernelCall.args: the schema arguments, then the return slot. */
  args: number[];
  /** The return-slot value. */
  returns: ValueRef;
  /** For views: the value whose memory the return shares. */
  viewOf: number | null;
}

function givenArgs(schema: OperatorSchema, args: Record<string, ArgInput> | readonly ArgInput[], where: string): Record<string, ArgInput> {
  const names = schema.args.map((a) => a.name);
  const given: Record<string, ArgInput> = {};
  if (Array.isArray(args)) {
    const list = args as readonly ArgInput[];
    if (list.length > names.length) throw new ProgramBuildError(`${list.length} arguments given, ${schema.qualifiedName} takes ${names.length}`, where);
    list.forEach((a, i) => (given[names[i]!] = a));
    return given;
  }
  for (const [key, value] of Object.entries(args as Record<string, ArgInput>)) {
    if (!names.includes(key)) {
      throw new ProgramBuildError(`unknown argument '${key}' (${schema.qualifiedName} takes ${names.join(', ') || 'nothing'})`, where);
    }
    given[key] = value;
  }
  return given;
}

function checkOut(site: CallSite, out: ValueRef, inferred: InferredOut | null, where: string): void {
  const outs = out.kind === 'TensorList' ? site.listItems(out.index) : [out.index];
  for (const v of outs) {
    if (site.isConstant(v)) throw new ProgramBuildError(`v${v} is a constant and cannot be written`, where);
  }
  if (inferred === null || out.tensor === null) return;
  if (out.tensor.shape.join() !== inferred.shape.join()) {
    throw new ShapeMismatchError(
      `out v${out.index} has shape [${out.tensor.shape}], the inputs give [${inferred.shape}]`,
      where,
      inferred.shape,
      [...out.tensor.shape],
    );
  }
  if (out.tensor.dimOrder.join() !== inferred.dimOrder.join()) {
    throw new ProgramBuildError(`out v${out.index} has dim order [${out.tensor.dimOrder}], expected [${inferred.dimOrder}]`, where);
  }
}

function checkDtypes(site: CallSite, schema: OperatorSchema, refs: Map<string, ValueRef>, where: string): void {
  if (schema.dtypes === null) return;
  for (const [name, ref] of refs) {
    const tensors = ref.kind === 'Tensor' ? [ref.index] : ref.kind === 'TensorList' ? site.listItems(ref.index) : [];
    for (const v of tensors) {
      const dtype = site.dtypeOf(v);
      if (dtype !== undefined && !schema.dtypes.includes(dtype)) {
        throw new ProgramBuildError(`${dtype} is not supported (the operator list allows ${schema.dtypes.join(', ')})`, `${where}, argument '${name}'`);
      }
    }
  }
}

/** The return-slot value: the out tensor, a list of outs, or a fresh value for functional ops. */
function returnSlot(
  site: CallSite, schema: OperatorSchema, refs: Map<string, ValueRef>, inferred: InferredOut | null, options: CallOptions, where: string,
): ValueRef {
  const outs = schema.args.filter((a) => a.type.mutable).map((a) => refs.get(a.name)!);
  if (outs.length === 1 && outs[0]!.kind === 'Tensor') return outs[0]!;
  if (outs.length === 1) return site.add({ kind: 'TensorList', items: site.listItems(outs[0]!.index) });
  if (outs.length > 1) return site.tensorList(outs);
  if (schema.returns.length > 1) throw new ProgramBuildError('functional operators with several returns are not supported', where);
  const ret = schema.returns[0];
  if (ret === undefined) return site.none();
  if (ret.base === 'Tensor' && !ret.list) {
    if (options.returns !== undefined) {
      const r = site.own(options.returns, `${where}, returns`);
      if (r.kind !== 'Tensor') throw new ProgramBuildError(`must be a tensor, got ${r.kind}`, `${where}, returns`);
      checkOut(site, r, inferred?.arg === 'return' ? inferred : null, `${where}, returns`);
      return r;
    }
    if (inferred?.arg !== 'return' || inferred.dtype === null) throw new ProgramBuildError('give the return tensor (options.returns)', where);
    const o = { dtype: inferred.dtype, shape: inferred.shape, dimOrder: inferred.dimOrder, dynamism: inferred.dynamism };
    // A view's memory is its base's: nothing to plan.
    return site.tensor(isView(schema.qualifiedName) ? { ...o, planned: false } : o);
  }
  switch (ret.base) {
    case 'bool':
      return site.bool(false);
    case 'float':
      return site.double(0);
    case 'int':
    case 'SymInt':
    case 'Scalar':
      return site.int(0);
    default:
      throw new ProgramBuildError(`return type ${ret.text} is not supported`, where);
  }
}

/**
 * Lowers `op(args)` into values of `site`.
 * @throws UnknownOperatorError, ShapeMismatchError, UnknownDTypeError or ProgramBuildError naming `where`.
 */
export function lowerCall(
  site: CallSite, op: string, args: Record<string, ArgInput> | readonly ArgInput[], options: CallOptions, where: string,
): LoweredCall {
  const schema = site.registry().get(op);
  if (schema === undefined) throw new UnknownOperatorError(op, where, site.registry().names());
  const given = givenArgs(schema, args, where);
  const refs = new Map<string, ValueRef>();
  const facts: Record<string, ArgFacts | undefined> = {};
  const resolve = (name: string): void => {
    const arg = schema.args.find((a) => a.name === name)!;
    const at = `${where}, argument '${name}'`;
    let input: ArgInput | undefined = given[name];
    if (input === undefined && arg.default !== undefined) input = defaultInput(arg.default, arg.type, at);
    if (input === undefined && arg.type.optional) input = null;
    if (input === undefined) throw new ProgramBuildError('required argument is missing', at);
    const value = argumentValue(site, arg.type, input, at);
    refs.set(name, value.ref);
    facts[name] = value.facts;
  };
  // Inputs first, so a left-out out tensor can be inferred from them.
  schema.args.filter((a) => !a.type.mutable).forEach((a) => resolve(a.name));
  const inferred = inferOut(op, facts, where);
  for (const arg of schema.args.filter((a) => a.type.mutable)) {
    const at = `${where}, argument '${arg.name}'`;
    if (given[arg.name] === undefined) {
      if (arg.type.list || inferred?.arg !== arg.name || inferred.dtype === null) {
        throw new ProgramBuildError('the out tensor is missing (its shape or dtype cannot be inferred here)', at);
      }
      given[arg.name] = site.tensor({ dtype: inferred.dtype, shape: inferred.shape, dimOrder: inferred.dimOrder, dynamism: inferred.dynamism });
    }
    resolve(arg.name);
    checkOut(site, refs.get(arg.name)!, inferred?.arg === arg.name ? inferred : null, at);
  }
  checkDtypes(site, schema, refs, where);
  const returns = returnSlot(site, schema, refs, inferred, options, where);
  return {
    schema,
    args: [...schema.args.map((a) => refs.get(a.name)!.index), returns.index],
    returns,
    viewOf: isView(op) ? refs.get('self')!.index : null,
  };
}
