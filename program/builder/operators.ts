/**
 * The operator list the builder checks calls against: native/kernels/ops.yaml
 * (parsed with the `yaml` package), each entry's ATen-style schema parsed into
 * typed arguments with defaults, out annotations and return types. The same
 * file drives the runtime's registration (scripts/generate-kernels.mjs), so a
 * program that passes these checks names only operators etrun registers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { DTYPES, type DType } from '../dtype.js';
import { ProgramBuildError } from '../errors.js';

/** One schema type, e.g. `Tensor(a!)`, `int[]?`, `Tensor?[]`, `Scalar`. */
export interface ArgType {
  /** `Tensor`, `Scalar`, `int`, `SymInt`, `float`, `bool`, `str`, `ScalarType`, `MemoryFormat`, ... */
  base: string;
  list: boolean;
  /** `int[2]` → 2; null for `int[]` or non-lists. */
  listSize: number | null;
  /** The whole value may be None (`int?`, `int[]?`). */
  optional: boolean;
  /** Elements may be None (`Tensor?[]`). */
  elementOptional: boolean;
  /** Written through (`Tensor(a!)`): an out argument. */
  mutable: boolean;
  /** The schema text. */
  text: string;
}

export type DefaultValue =
  | { kind: 'none' }
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'str'; value: string }
  | { kind: 'list'; items: DefaultValue[] }
  /** A default this parser does not model (an enum name); materializing it is an error. */
  | { kind: 'unsupported'; text: string };

export interface OperatorArg {
  name: string;
  type: ArgType;
  /** undefined when the argument has no default. */
  default: DefaultValue | undefined;
  keywordOnly: boolean;
}

export interface OperatorSchema {
  /** `aten::add.out`: the name programs use (Operator.name + "." + overload). */
  qualifiedName: string;
  /** Operator.name, e.g. `aten::add`. */
  name: string;
  /** Operator.overload, e.g. `out`; '' for the default overload. */
  overload: string;
  schema: string;
  args: OperatorArg[];
  returns: ArgType[];
  /** Tensor dtypes the kernels accept; null when the list does not say (prim ops). */
  dtypes: DType[] | null;
  /** Kernel sets that implement it (`portable`, `prim`, ...). */
  kernelSets: string[];
}

/** Splits on commas outside brackets. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(' || ch === '[') depth++;
    if (ch === ')' || ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') parts.push(cur.trim());
  return parts;
}

export function parseArgType(text: string): ArgType {
  const m = /^([A-Za-z_][\w]*)(\([a-z]+!?\))?(\?)?(\[(\d*)\])?(\?)?$/.exec(text.trim());
  if (m === null) throw new Error(`cannot parse type '${text}'`);
  const list = m[4] !== undefined;
  return {
    base: m[1]!,
    list,
    listSize: m[5] !== undefined && m[5] !== '' ? Number(m[5]) : null,
    optional: list ? m[6] !== undefined : m[3] !== undefined,
    elementOptional: list && m[3] !== undefined,
    mutable: m[2]?.endsWith('!)') ?? false,
    text: text.trim(),
  };
}

export function parseDefault(text: string): DefaultValue {
  const t = text.trim();
  if (t === 'None') return { kind: 'none' };
  if (t === 'True' || t === 'False') return { kind: 'bool', value: t === 'True' };
  if (/^-?\d+$/.test(t)) return { kind: 'int', value: BigInt(t) };
  if (/^-?(\d+\.\d*|\d*\.\d+|\d+(\.\d*)?[eE][-+]?\d+|inf|nan)$/.test(t)) return { kind: 'float', value: Number(t) };
  if (/^(["']).*\1$/.test(t)) return { kind: 'str', value: t.slice(1, -1) };
  if (t.startsWith('[') && t.endsWith(']')) return { kind: 'list', items: splitTop(t.slice(1, -1)).map(parseDefault) };
  return { kind: 'unsupported', text: t };
}

/**
 * Parses `add.out(Tensor self, Tensor other, *, Scalar alpha=1, Tensor(a!) out) -> Tensor(a!)`.
 * `qualifiedName` is the entry's `op` (`aten::add.out`); its part after `::` must equal the schema's name.
 */
export function parseOperatorSchema(qualifiedName: string, schema: string): Omit<OperatorSchema, 'dtypes' | 'kernelSets'> {
  const m = /^([\w.]+)\((.*)\)\s*->\s*(.+)$/.exec(schema.trim());
  if (m === null) throw new Error(`cannot parse schema '${schema}'`);
  const [ns, rest] = qualifiedName.split('::');
  if (ns === undefined || rest === undefined || rest !== m[1]) {
    throw new Error(`op '${qualifiedName}' does not match the schema name '${m[1]}'`);
  }
  const dot = rest.indexOf('.');
  const args: OperatorArg[] = [];
  let keywordOnly = false;
  for (const part of splitTop(m[2]!)) {
    if (part === '*') {
      keywordOnly = true;
      continue;
    }
    const eq = part.indexOf('=');
    const decl = (eq < 0 ? part : part.slice(0, eq)).trim();
    const space = decl.lastIndexOf(' ');
    if (space < 0) throw new Error(`argument '${part}' has no name`);
    args.push({
      name: decl.slice(space + 1),
      type: parseArgType(decl.slice(0, space)),
      default: eq < 0 ? undefined : parseDefault(part.slice(eq + 1)),
      keywordOnly,
    });
  }
  const ret = m[3]!.trim();
  const retParts = ret.startsWith('(') ? splitTop(ret.slice(1, -1)) : [ret];
  // Named returns (`Tensor(a!) values`) keep only their type.
  const returns = retParts.map((r) => parseArgType(r.replace(/\s+\w+$/, '')));
  return {
    qualifiedName,
    name: dot < 0 ? qualifiedName : `${ns}::${rest.slice(0, dot)}`,
    overload: dot < 0 ? '' : rest.slice(dot + 1),
    schema,
    args,
    returns,
  };
}

interface YamlEntry {
  op?: unknown;
  schema?: unknown;
  dtypes?: unknown;
  kernels?: unknown;
}

/** The operators a builder may call, by qualified name. */
export class OperatorRegistry {
  private readonly byName = new Map<string, OperatorSchema>();

  constructor(operators: readonly OperatorSchema[]) {
    for (const op of operators) this.byName.set(op.qualifiedName, op);
  }

  /**
   * Parses an ops.yaml document (a list of `{op, schema, dtypes?, kernels}` entries).
   * @throws ProgramBuildError naming the entry when one cannot be parsed.
   */
  static fromYaml(text: string, source = 'ops.yaml'): OperatorRegistry {
    const doc = parse(text) as unknown;
    if (!Array.isArray(doc)) throw new ProgramBuildError('must be a list of operator entries', source);
    return new OperatorRegistry(
      doc.map((raw: YamlEntry, i) => {
        const where = `${source} entry ${i}${typeof raw?.op === 'string' ? ` (${raw.op})` : ''}`;
        if (typeof raw?.op !== 'string' || typeof raw.schema !== 'string') {
          throw new ProgramBuildError('needs string fields op and schema', where);
        }
        const dtypes = raw.dtypes === undefined ? null : raw.dtypes;
        if (dtypes !== null && (!Array.isArray(dtypes) || dtypes.some((d) => !DTYPES.includes(d as DType)))) {
          throw new ProgramBuildError(`dtypes must be a list of dtype names, got ${JSON.stringify(dtypes)}`, where);
        }
        try {
          return {
            ...parseOperatorSchema(raw.op, raw.schema),
            dtypes: dtypes as DType[] | null,
            kernelSets: typeof raw.kernels === 'object' && raw.kernels !== null ? Object.keys(raw.kernels) : [],
          };
        } catch (cause) {
          throw new ProgramBuildError((cause as Error).message, where, { cause });
        }
      }),
    );
  }

  /** The runtime's own list, native/kernels/ops.yaml in this package (read once). */
  static default(): OperatorRegistry {
    defaultRegistry ??= OperatorRegistry.fromYaml(fs.readFileSync(defaultOpsYamlPath(), 'utf8'), 'native/kernels/ops.yaml');
    return defaultRegistry;
  }

  get(qualifiedName: string): OperatorSchema | undefined {
    return this.byName.get(qualifiedName);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }
}

let defaultRegistry: OperatorRegistry | undefined;

/** native/kernels/ops.yaml, found from this module in the source tree and in dist/ alike. */
export function defaultOpsYamlPath(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'native', 'kernels', 'ops.yaml');
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`native/kernels/ops.yaml not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
