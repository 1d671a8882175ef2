/**
 * Turns what a caller passes for one schema argument (a ValueRef, a JS
 * literal, a list, null) into a value of the right kind, creating Int/Double/
 * Bool/... values and boxed lists as the exporter does. Every IntList item is
 * the index of an Int value (the ExecuTorch boxed-list convention).
 */
import { DTYPES, dtypeCode, type DType } from '../dtype.js';
import { ProgramBuildError, UnknownDTypeError } from '../errors.js';
import type { ValueSpec } from '../spec.js';
import type { ValueKind } from '../types.js';
import type { ArgType, DefaultValue } from './operators.js';
import type { ArgFacts } from './shapes.js';
import { ValueRef, type TensorFacts } from './values.js';

/** One list element a caller may pass. */
export type ArgItem = ValueRef | number | bigint | boolean | null;

/**
 * What a caller may pass for an argument:
 * - a ValueRef of a matching kind (a tensor, an Int made with `int()`, a list ...);
 * - a number/bigint for int-like types (`int`, `SymInt`, `ScalarType`, ...), a
 *   number for `float`, a boolean for `bool`, a string for `str`; for `Scalar` an
 *   integer becomes Int, another number Double, a boolean Bool;
 * - a dtype name for `ScalarType`;
 * - an array for list types (`int[]` items may be Int ValueRefs, i.e. symbolic ints;
 *   `Tensor?[]` items may be null);
 * - null for an optional argument (None).
 */
export type ArgInput = ArgItem | string | readonly ArgItem[];

/** Where the builder puts new values; implemented by MethodBuilder. */
export interface ValueSink {
  add(v: ValueSpec, tensor?: TensorFacts | null): ValueRef;
  /** Checks that `ref` belongs to this method. */
  own(ref: ValueRef, where: string): ValueRef;
}

const INT_LIKE = new Set(['int', 'SymInt', 'ScalarType', 'MemoryFormat', 'Layout', 'Device', 'Dimname']);

/** The value kinds an argument of `type` accepts (None aside). */
export function acceptedKinds(type: ArgType): ValueKind[] {
  const b = type.base;
  if (type.list) {
    if (b === 'Tensor') return [type.elementOptional ? 'OptionalTensorList' : 'TensorList'];
    if (INT_LIKE.has(b)) return ['IntList'];
    if (b === 'float') return ['DoubleList'];
    if (b === 'bool') return ['BoolList'];
    return [];
  }
  if (b === 'Tensor') return ['Tensor'];
  if (INT_LIKE.has(b)) return ['Int'];
  if (b === 'float') return ['Double', 'Int'];
  if (b === 'bool') return ['Bool'];
  if (b === 'Scalar') return ['Int', 'Double', 'Bool'];
  if (b === 'str') return ['String'];
  return [];
}

function scalarValue(type: ArgType, input: ArgItem | string, where: string): ValueSpec {
  const b = type.base;
  const wrong = (): ProgramBuildError =>
    new ProgramBuildError(`${typeof input} ${JSON.stringify(typeof input === 'bigint' ? String(input) : input)} does not fit ${type.text}`, where);
  if (b === 'ScalarType' && typeof input === 'string') {
    if (!DTYPES.includes(input as DType)) throw new UnknownDTypeError(input, where);
    return { kind: 'Int', value: dtypeCode(input as DType) };
  }
  if (INT_LIKE.has(b)) {
    if (typeof input === 'bigint') return { kind: 'Int', value: input };
    if (typeof input === 'number' && Number.isSafeInteger(input)) return { kind: 'Int', value: input };
    throw wrong();
  }
  if (b === 'float' && typeof input === 'number') return { kind: 'Double', value: input };
  if (b === 'bool' && typeof input === 'boolean') return { kind: 'Bool', value: input };
  if (b === 'str' && typeof input === 'string') return { kind: 'String', value: input };
  if (b === 'Scalar') {
    if (typeof input === 'boolean') return { kind: 'Bool', value: input };
    if (typeof input === 'bigint') return { kind: 'Int', value: input };
    if (typeof input === 'number') return Number.isSafeInteger(input) ? { kind: 'Int', value: input } : { kind: 'Double', value: input };
  }
  throw wrong();
}

function checkKind(sink: ValueSink, type: ArgType, ref: ValueRef, where: string): ValueRef {
  sink.own(ref, where);
  const kinds = acceptedKinds(type);
  if (ref.kind === 'Null' && (type.optional || type.base === 'Generator')) return ref;
  if (!kinds.includes(ref.kind)) {
    const want = [...kinds, ...(type.optional ? ['Null'] : [])].join(' or ') || 'nothing this builder supports';
    throw new ProgramBuildError(`a ${ref.kind} value (v${ref.index}) does not fit ${type.text} (needs ${want})`, where);
  }
  return ref;
}

function listValue(sink: ValueSink, type: ArgType, items: readonly ArgItem[], where: string): { ref: ValueRef; ints: number[] | null } {
  const elem: ArgType = { ...type, list: false, listSize: null, optional: type.elementOptional, elementOptional: false };
  // `int[1]` (mean's and sum's dim, roll's dims) takes a list of any length in ATen; the size
  // only says a single int may stand for the list. Larger sizes (`int[2] stride`) are exact,
  // except an empty list: pooling's `stride=[]` default means "the kernel size".
  if (type.listSize !== null && type.listSize > 1 && items.length !== type.listSize && items.length !== 0) {
    throw new ProgramBuildError(`${type.text} needs ${type.listSize} items, got ${items.length}`, where);
  }
  const at = (i: number): string => `${where}[${i}]`;
  if (type.base === 'Tensor') {
    const refs = items.map((item, i) => {
      if (item === null && type.elementOptional) return sink.add({ kind: 'Null' });
      if (!(item instanceof ValueRef)) throw new ProgramBuildError(`${typeof item} is not a tensor value`, at(i));
      return checkKind(sink, elem, item, at(i));
    });
    const kind = type.elementOptional ? 'OptionalTensorList' : 'TensorList';
    return { ref: sink.add({ kind, items: refs.map((r) => r.index) }), ints: null };
  }
  if (INT_LIKE.has(type.base)) {
    const literal = items.every((x) => typeof x === 'number' || typeof x === 'bigint');
    const refs = items.map((item, i) =>
      item instanceof ValueRef ? checkKind(sink, elem, item, at(i)) : sink.add(scalarValue(elem, item, at(i))),
    );
    return {
      ref: sink.add({ kind: 'IntList', items: refs.map((r) => r.index) }),
      ints: literal ? items.map((x) => Number(x)) : null,
    };
  }
  if (type.base === 'float' && items.every((x) => typeof x === 'number')) {
    return { ref: sink.add({ kind: 'DoubleList', items: items as number[] }), ints: null };
  }
  if (type.base === 'bool' && items.every((x) => typeof x === 'boolean')) {
    return { ref: sink.add({ kind: 'BoolList', items: items as boolean[] }), ints: null };
  }
  throw new ProgramBuildError(`these items do not fit ${type.text}`, where);
}

/** The argument value for `input`, plus what shape rules can learn from it. */
export function argumentValue(sink: ValueSink, type: ArgType, input: ArgInput, where: string): { ref: ValueRef; facts: ArgFacts } {
  const facts = (ref: ValueRef, ints: number[] | null = null): { ref: ValueRef; facts: ArgFacts } => ({
    ref,
    facts: { tensor: ref.tensor, ints },
  });
  if (input instanceof ValueRef) return facts(checkKind(sink, type, input, where));
  if (input === null) {
    if (!type.optional && type.base !== 'Generator') throw new ProgramBuildError(`None given for non-optional ${type.text}`, where);
    return facts(sink.add({ kind: 'Null' }));
  }
  if (type.list) {
    // `int[2] stride=1`: one integer stands for every item.
    const items = Array.isArray(input) ? (input as readonly ArgItem[]) : type.listSize !== null ? new Array<ArgItem>(type.listSize).fill(input as ArgItem) : null;
    if (items === null) throw new ProgramBuildError(`${type.text} needs a list, got ${typeof input}`, where);
    const { ref, ints } = listValue(sink, type, items, where);
    return facts(ref, ints);
  }
  if (Array.isArray(input)) throw new ProgramBuildError(`${type.text} is not a list type`, where);
  if (type.base === 'Tensor') throw new ProgramBuildError(`${type.text} needs a tensor value, got ${typeof input}`, where);
  return facts(sink.add(scalarValue(type, input as ArgItem | string, where)));
}

/** The JS input equivalent of a schema default, for argumentValue. */
export function defaultInput(d: DefaultValue, type: ArgType, where: string): ArgInput {
  switch (d.kind) {
    case 'none':
      return null;
    case 'int':
      return type.base === 'float' ? Number(d.value) : d.value;
    case 'float':
    case 'bool':
    case 'str':
      return d.value;
    case 'list':
      return d.items.map((item) => {
        const v = defaultInput(item, { ...type, list: false }, where);
        if (Array.isArray(v) || typeof v === 'string') throw new ProgramBuildError('nested list defaults are not supported', where);
        return v as ArgItem;
      });
    case 'unsupported':
      throw new ProgramBuildError(`cannot materialize the default '${d.text}'; pass the argument explicitly`, where);
  }
}
