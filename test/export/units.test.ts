// The pure parts of export and crosscheck: option parsing, output comparison, bundled input
// reordering, the operator check and number formatting. No Python, no etrun.

import path from 'node:path';
import test from 'ava';
import { UsageError } from '../../cli/errors.js';
import {
  compareOutputs, compareTensors, compileCrosscheckOptions, parseCrosscheckArgs, toLogicalOrder,
} from '../../cli/crosscheck/index.js';
import {
  compileExportOptions, describeUnsupported, formatNumber, parseCapabilities, parseExportArgs, SUITE_MODELS, unsupported,
} from '../../cli/export/index.js';
import { repoRoot } from '../helpers/fixtures.js';

const context = { cwd: repoRoot, env: {} };
const ZOO = path.join(repoRoot, 'exporter', 'etexport', 'zoo.py');
const compile = (argv: string[]) => compileExportOptions(parseExportArgs(argv), context);

test('export: a model request with defaults', (t) => {
  const options = compile(['exporter/etexport/zoo.py:ds_cnn', '--input-shape', '1,1,49,10', '--out', 'kws.bpte']);
  if (options.kind !== 'model') return t.fail('not a model export');
  t.deepEqual(options.request, {
    factory: `${ZOO}:ds_cnn`,
    inputs: [{ shape: [1, 1, 49, 10], dtype: 'float32' }],
    out: path.join(repoRoot, 'kws.bpte'),
    xnnpack: false,
    quantize: null,
    seed: 0,
    cases: 2,
    calibration: 8,
    verify: true,
    name: null,
  });
  t.like(options, { kernels: 'portable', format: 'text', verbose: false, timeoutS: 900 });
});

test('export: several inputs, one dtype each, xnnpack int8 and the rest of the flags', (t) => {
  const options = compile([
    'exporter/etexport/zoo.py:lstm', '--input-shape', '1,16,40', '--input-shape', '4', '--dtype', 'float32', '--dtype', 'int64',
    '--xnnpack', '--seed', '7', '--cases', '3', '--no-verify', '--name', 'my', '--out', 'x.pte', '--json', '--kernels', 'optimized',
  ]);
  if (options.kind !== 'model') return t.fail('not a model export');
  t.deepEqual(options.request.inputs, [{ shape: [1, 16, 40], dtype: 'float32' }, { shape: [4], dtype: 'int64' }]);
  t.like(options.request, { xnnpack: true, seed: 7, cases: 3, verify: false, name: 'my' });
  t.like(options, { format: 'json', kernels: 'optimized' });
});

test('export: usage errors name the flag', (t) => {
  const bad: [string[], RegExp][] = [
    [['--input-shape', '1', '--out', 'a.bpte'], /FILE\.py:FUNCTION is required/],
    [['zoo.py', '--input-shape', '1', '--out', 'a.bpte'], /expected FILE\.py:FUNCTION/],
    [['nope.py:f', '--input-shape', '1', '--out', 'a.bpte'], /no such file: nope\.py/],
    [['exporter/etexport/zoo.py:f', '--out', 'a.bpte'], /--input-shape is required/],
    [['exporter/etexport/zoo.py:f', '--input-shape', '1x3', '--out', 'a.bpte'], /--input-shape must be sizes/],
    [['exporter/etexport/zoo.py:f', '--input-shape', '1'], /--out MODEL\.bpte/],
    [['exporter/etexport/zoo.py:f', '--input-shape', '1', '--out', 'a.onnx'], /--out must end in \.bpte/],
    [['exporter/etexport/zoo.py:f', '--input-shape', '1', '--input-shape', '2', '--dtype', 'int8', '--dtype', 'int8', '--dtype', 'int8', '--out', 'a.bpte'], /--dtype given 3 times for 2 inputs/],
    [['exporter/etexport/zoo.py:f', '--input-shape', '1', '--dtype', 'complex64', '--out', 'a.bpte'], /--dtype must be one of/],
    [['exporter/etexport/zoo.py:f', '--input-shape', '1', '--quantize', 'int4', '--out', 'a.bpte'], /--quantize must be one of int8/],
    [['exporter/etexport/zoo.py:f', '--input-shape', '1', '--seed=-1', '--out', 'a.bpte'], /--seed must be an integer >= 0/],
    [['exporter/etexport/zoo.py:f', '--input-shape', '1', '--cases', '0', '--out', 'a.bpte'], /--cases must be an integer >= 1/],
    [['exporter/etexport/zoo.py:f', '--input-shape', '1', '--out', 'a.bpte', '--models', 'lstm'], /--models goes with --suite/],
    [['--suite', 'fake'], /--suite must be 'real'/],
    [['--suite', 'real', '--xnnpack'], /drop xnnpack/],
    [['--suite', 'real', '--models', 'lstm,vgg'], /unknown 'vgg'/],
    [['--suite', 'real', '--variants', 'fp16'], /unknown 'fp16'/],
    [['--frobnicate'], /export: Unknown option/],
  ];
  for (const [argv, message] of bad) {
    const error = t.throws(() => compile(argv), { instanceOf: UsageError }, argv.join(' '));
    t.regex(error?.message ?? '', message, argv.join(' '));
  }
});

test('export --suite: defaults to every model and variant under $ETBENCH_HOME/export-suite', (t) => {
  const options = compileExportOptions(parseExportArgs(['--suite', 'real']), { cwd: '/w', env: { ETBENCH_HOME: 'home' } });
  if (options.kind !== 'suite') return t.fail('not a suite export');
  t.is(options.outDir, '/w/home/export-suite');
  t.deepEqual(options.models, SUITE_MODELS.map((m) => m.name));
  t.deepEqual(options.variants, ['portable', 'xnnpack', 'int8']);
  const some = compileExportOptions(parseExportArgs(['--suite', 'real', '--models', 'lstm,ds_cnn', '--variants', 'int8,portable', '--out', 'd']), { cwd: '/w', env: {} });
  t.like(some, { kind: 'suite', outDir: '/w/d', models: ['lstm', 'ds_cnn'], variants: ['portable', 'int8'], timeoutS: 3600 });
  t.like(compileExportOptions(parseExportArgs(['--suite', 'real']), { cwd: '/w', env: {} }), { outDir: '/w/.etbench/export-suite' });
});

test('crosscheck: options, inputs and their errors', (t) => {
  const file = path.join(repoRoot, 'package.json');
  const options = compileCrosscheckOptions(parseCrosscheckArgs([file, '--inputs', 'random:3', '--inputs', 'bundled', '--inputs', 'bundled:2', '--atol', '1e-6', '--json']), context);
  t.deepEqual(options.inputs, [{ kind: 'random', seed: 3 }, { kind: 'bundled', case: 0 }, { kind: 'bundled', case: 2 }]);
  t.like(options, { programs: [file], atol: 1e-6, rtol: 0, format: 'json', kernels: 'portable', method: null, timeoutS: 600 });
  t.deepEqual(compileCrosscheckOptions(parseCrosscheckArgs([file]), context).inputs, [{ kind: 'random', seed: 0 }]);
  const bad: [string[], RegExp][] = [
    [[], /at least one FILE/],
    [['missing.pte'], /no such file: missing\.pte/],
    [[file, '--inputs', 'random:x'], /random:SEED or bundled:CASE/],
    [[file, '--inputs', 'nothere.json'], /no such file: nothere\.json/],
    [[file, '--atol=-1'], /--atol must be a number >= 0/],
    [[file, '--kernels', 'fast'], /--kernels must be one of/],
  ];
  for (const [argv, message] of bad) t.throws(() => compileCrosscheckOptions(parseCrosscheckArgs(argv), context), { instanceOf: UsageError, message }, argv.join(' '));
});

test('compare: identical, within tolerance, differing, NaN and the sign of zero', (t) => {
  const f = (data: (number | string)[]) => ({ dtype: 'float32' as const, shape: [data.length], data: data as never[] });
  const exact = { atol: 0, rtol: 0 };
  t.like(compareTensors(0, f([1, 'nan', 'inf']), f([1, 'nan', 'inf']), exact), { identical: true, agree: true, maxAbsDiff: 0, mismatched: 0 });
  // float64 text of a float32 value and its shortest float32 text are the same float32.
  t.like(compareTensors(0, f([0.1]), f([0.10000000149011612]), exact), { identical: true, agree: true });
  t.like(compareTensors(0, f([0]), f([-0]), exact), { identical: false, agree: true, maxAbsDiff: 0 });
  const off = compareTensors(0, f([1, 2, 3]), f([1, 2.5, 3.25]), exact);
  t.like(off, { identical: false, agree: false, maxAbsDiff: 0.5, mismatched: 2 });
  t.like(compareTensors(0, f([1, 2, 3]), f([1, 2.5, 3.25]), { atol: 0.5, rtol: 0 }), { agree: true, mismatched: 0 });
  t.like(compareTensors(0, f([1, 2]), f([1, 2.4]), { atol: 0, rtol: 0.2 }), { agree: true });
  t.like(compareTensors(0, f(['nan']), f([1]), { atol: 10, rtol: 0 }), { agree: false, maxAbsDiff: 'inf' });
  t.like(compareTensors(0, f([1, 2]), { dtype: 'float32', shape: [1, 2], data: [1, 2] }, exact), { agree: false, theirs: { dtype: 'float32', shape: [1, 2] } });
  const ints = compareTensors(0, { dtype: 'int64', shape: [2], data: [3, -4] }, { dtype: 'int64', shape: [2], data: [3, -4] }, exact);
  t.like(ints, { identical: true, agree: true });
  const bools = compareTensors(0, { dtype: 'bool', shape: [2], data: [true, false] }, { dtype: 'bool', shape: [2], data: [true, true] }, exact);
  t.like(bools, { agree: false, mismatched: 1 });
  t.is(compareOutputs([f([1])], [f([1]), f([2])], exact).countsMatch, false);
});

test('toLogicalOrder: channels-last storage back to row-major', (t) => {
  // A [1, 2, 2, 3] tensor whose logical element (n, c, h, w) is c*100 + h*10 + w, stored NHWC.
  const shape = [1, 2, 2, 3];
  const logical: number[] = [];
  for (let c = 0; c < 2; c += 1) for (let h = 0; h < 2; h += 1) for (let w = 0; w < 3; w += 1) logical.push(c * 100 + h * 10 + w);
  const stored: number[] = [];
  for (let h = 0; h < 2; h += 1) for (let w = 0; w < 3; w += 1) for (let c = 0; c < 2; c += 1) stored.push(c * 100 + h * 10 + w);
  t.deepEqual(toLogicalOrder(stored, shape, [0, 2, 3, 1]), logical);
  t.deepEqual(toLogicalOrder(logical, shape, [0, 1, 2, 3]), logical);
});

test('operator check: prim, quantized and the chosen kernel set count; backends by id', (t) => {
  const caps = parseCapabilities('etrun', JSON.stringify({
    kernel_sets: [
      { name: 'prim', operators: [{ name: 'aten::sym_size.int' }] },
      { name: 'portable', operators: [{ name: 'aten::add.out' }] },
      { name: 'quantized', operators: [{ name: 'quantized_decomposed::quantize_per_tensor.out' }] },
      { name: 'optimized', operators: [{ name: 'aten::convolution.out' }] },
    ],
    backends: ['XnnpackBackend'],
  }));
  const needs = {
    operators: ['aten::add.out', 'aten::convolution.out', 'aten::sym_size.int', 'quantized_decomposed::quantize_per_tensor.out', 'aten::relu.out'],
    backends: ['XnnpackBackend', 'CoreMLBackend'],
  };
  const portable = unsupported(needs, caps, 'portable');
  t.deepEqual(portable, { kernels: 'portable', operators: ['aten::convolution.out', 'aten::relu.out'], backends: ['CoreMLBackend'] });
  t.deepEqual(unsupported(needs, caps, 'optimized').operators, ['aten::relu.out']);
  t.is(describeUnsupported(portable), 'operators aten::convolution.out, aten::relu.out; backend CoreMLBackend');
  t.is(describeUnsupported({ kernels: 'portable', operators: [], backends: [] }), null);
});

test('formatNumber: three significant digits, exponents for the very small', (t) => {
  t.is(formatNumber(0), '0');
  t.is(formatNumber(0.0246797), '0.0247');
  t.is(formatNumber(1.63e-5), '1.63e-5');
  t.is(formatNumber(0.99994603, 6), '0.999946');
  t.is(formatNumber('nan'), 'nan');
  t.is(formatNumber(null), '—');
});
