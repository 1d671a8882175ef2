// The operator list the builder checks against: native/kernels/ops.yaml parsed with `yaml`, and
// the ATen schema parser (types, defaults, keyword-only and out arguments, returns).

import fs from 'node:fs';
import test from 'ava';
import { parse } from 'yaml';
import { OperatorRegistry, ProgramBuildError, defaultOpsYamlPath, parseOperatorSchema } from '../../program/index.js';

test('every entry of native/kernels/ops.yaml parses, with its dtypes and kernel sets', (t) => {
  const entries = parse(fs.readFileSync(defaultOpsYamlPath(), 'utf8')) as { op: string }[];
  const registry = OperatorRegistry.default();
  t.deepEqual(registry.names(), entries.map((e) => e.op));
  const add = registry.get('aten::add.out')!;
  t.like(add, { name: 'aten::add', overload: 'out', kernelSets: ['portable'] });
  t.true(add.dtypes?.includes('float32'));
  t.deepEqual(add.args.map((a) => [a.name, a.type.text, a.keywordOnly, a.type.mutable]), [
    ['self', 'Tensor', false, false],
    ['other', 'Tensor', false, false],
    ['alpha', 'Scalar', true, false],
    ['out', 'Tensor(a!)', true, true],
  ]);
  t.deepEqual(add.args[2]?.default, { kind: 'int', value: 1n });
  t.like(registry.get('aten::sym_numel'), { name: 'aten::sym_numel', overload: '', dtypes: null, kernelSets: ['prim'] });
  t.like(registry.get('executorch_prim::et_view.default'), { overload: 'default' });
});

test('schema parser: optional, list, fixed-size and element-optional types, defaults, named returns', (t) => {
  const s = parseOperatorSchema(
    'aten::thing.out',
    "thing.out(Tensor? a, int[]? b, int[2] c=[1, 2], Tensor?[] d, float e=1e-05, bool f=False, str g='mean', *, ScalarType? h=None, Tensor(a!) v, Tensor(b!) i) -> (Tensor(a!) values, Tensor(b!) indices)",
  );
  const types = Object.fromEntries(s.args.map((a) => [a.name, a.type]));
  t.like(types['a'], { base: 'Tensor', optional: true, list: false });
  t.like(types['b'], { base: 'int', list: true, optional: true, listSize: null });
  t.like(types['c'], { base: 'int', list: true, listSize: 2, optional: false });
  t.like(types['d'], { base: 'Tensor', list: true, elementOptional: true, optional: false });
  t.deepEqual(s.args.map((a) => a.default?.kind ?? '-'), ['-', '-', 'list', '-', 'float', 'bool', 'str', 'none', '-', '-']);
  t.deepEqual(s.args.find((a) => a.name === 'c')?.default, { kind: 'list', items: [{ kind: 'int', value: 1n }, { kind: 'int', value: 2n }] });
  t.deepEqual(s.args.find((a) => a.name === 'g')?.default, { kind: 'str', value: 'mean' });
  t.deepEqual(s.returns.map((r) => r.text), ['Tensor(a!)', 'Tensor(b!)']);
  t.deepEqual(parseOperatorSchema('x::y', 'y(Tensor a) -> ()').returns, []);
  t.throws(() => parseOperatorSchema('x::z', 'y(Tensor a) -> Tensor'), { message: /does not match the schema name 'y'/ });
});

test('a malformed ops list is a ProgramBuildError naming the entry', (t) => {
  t.throws(() => OperatorRegistry.fromYaml('- op: a::b\n  schema: b(Tensor) -> Tensor\n', 'mine.yaml'), {
    instanceOf: ProgramBuildError, message: "mine.yaml entry 0 (a::b): argument 'Tensor' has no name",
  });
  t.throws(() => OperatorRegistry.fromYaml('- op: a::b\n  schema: b(Tensor x) -> Tensor\n  dtypes: [float33]\n', 'mine.yaml'), {
    message: /mine\.yaml entry 0 \(a::b\): dtypes must be a list of dtype names/,
  });
  t.throws(() => OperatorRegistry.fromYaml('op: 1', 'mine.yaml'), { message: 'mine.yaml: must be a list of operator entries' });
});
