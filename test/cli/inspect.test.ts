// `etbench inspect FILE [--json]` in-process through main(): tables for people, one JSON document
// for machines, exit 1 naming the problem for unreadable or malformed files, 2 for usage errors.

import path from 'node:path';
import test from 'ava';
import { main } from '../../cli/main.js';
import type { CliIo } from '../../cli/io.js';
import type { InspectReport } from '../../cli/inspect/index.js';
import { ProgramBuilder } from '../../program/index.js';
import { ADD_MODEL, BUNDLED, KEYWORD_SPOTTING, XNNPACK_PROGRAMS, repoRoot } from '../helpers/fixtures.js';
import { tempDir, writeTemp } from '../program/etrun.js';

async function inspectCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    stderrIsTTY: false,
    cwd: repoRoot,
    env: {},
    signal: null,
  };
  const code = await main(['inspect', ...args], io);
  return { code, stdout, stderr };
}

async function json(file: string): Promise<InspectReport> {
  const r = await inspectCli(file, '--json');
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as InspectReport;
}

test('--json: AddModel inputs, outputs, operators, planned memory, segments and constants', async (t) => {
  const r = await json(ADD_MODEL);
  t.like(r, { file: ADD_MODEL, kind: 'pte', size: 1156, bundled: null });
  t.regex(r.sha256, /^[0-9a-f]{64}$/);
  const p = r.program;
  t.deepEqual(p.header, { headerLength: 32, programSize: 1040, segmentBaseOffset: 1152, segmentDataSize: 4 });
  t.deepEqual(p.segments, [{ index: 0, offset: 0, size: 4, fileOffset: 1152 }]);
  t.deepEqual(p.constants, { storage: 'segment', tensors: 1, bytes: 4, segmentIndex: 0 });
  const [m] = p.methods;
  t.like(m, { name: 'forward', instructions: 1 });
  t.deepEqual(m?.inputs, [{
    index: 0, value: 1, kind: 'Tensor', dtype: 'float32', shape: [3], dimOrder: [0], dynamism: 'static',
    placement: 'planned', allocation: { memoryId: 1, offset: 16 }, nbytes: 12,
  }]);
  t.deepEqual(m?.operators, [{ name: 'aten::add.out', count: 1 }]);
  t.deepEqual(m?.plannedMemory, [{ memoryId: 1, size: 32, device: 'cpu' }]);
  t.deepEqual(m?.delegates, []);
});

test('--json: XNNPACK delegates with payload sizes, named data keys; KeywordSpotting operator counts', async (t) => {
  const x = await json(XNNPACK_PROGRAMS[1]!);
  t.deepEqual(x.program.methods[0]?.delegates, [{ id: 'XnnpackBackend', location: 'segment', index: 1, payloadSize: 704, compileSpecs: [] }]);
  t.deepEqual(x.program.namedData.map((n) => n.size), [33024, 256]);
  t.true(x.program.namedData.every((n) => /^[0-9a-f]{64}$/.test(n.key)));
  const k = await json(KEYWORD_SPOTTING);
  t.like(k.program.methods[0]?.operators.find((o) => o.name === 'cortex_m::quantized_conv2d.out'), { count: 4 });
  t.like(k.program.methods[0]?.inputs[0], { dimOrder: [0, 2, 1, 3], shape: [1, 1, 49, 10] });
});

test('a .bpte lists its suites and inspects the embedded program', async (t) => {
  const r = await json(BUNDLED);
  t.is(r.kind, 'bpte');
  t.deepEqual(r.bundled?.suites.map((s) => [s.method, s.cases]), [['forward', 10]]);
  t.deepEqual(r.bundled?.suites[0]?.inputShapes[0], [[2, 2], [2, 2]]);
  t.is(r.program.header?.headerLength, 24);
  const table = await inspectCli(BUNDLED);
  t.is(table.code, 0);
  t.regex(table.stdout, /^module_test_bundled_program\.bpte: bundled program, 4608 bytes/);
  t.regex(table.stdout, /\n {2}forward\s+10\s+\[2, 2\] \[2, 2\]\n/);
});

test('the table shows dynamic bounds, mutable data, delegates with compile specs, every method', async (t) => {
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [1, 8], dynamism: 'dynamic_bound' });
  const state = m.mutable({ dtype: 'float32', shape: [1, 8], initial: new Float32Array(8), name: 'cache' });
  m.call('aten::add.out', { self: state, other: x, out: state });
  const y = m.tensor({ dtype: 'float32', shape: [1, 8] });
  m.delegate({ id: 'SomeBackend', payload: new Uint8Array(100), compileSpecs: { level: 'O3' } }, [state], [y]);
  m.output(y);
  const other = b.method('second');
  other.output(other.call('aten::mul.Scalar_out', { self: other.input({ dtype: 'int32', shape: [2] }), other: 2 }));
  const dir = await tempDir(t);
  const file = await writeTemp(dir, 'built.pte', b.build().pte);
  const r = await inspectCli(path.relative(repoRoot, file));
  t.is(r.code, 0, r.stderr);
  const out = r.stdout;
  t.regex(out, /^built\.pte: ExecuTorch program, \d+ bytes/);
  t.regex(out, /mutable data: 1 initial value in segment \d/);
  t.regex(out, /\n {2}0\s+v0\s+Tensor\s+float32\s+\[1, 8\]\s+\[0, 1\]\s+dynamic_bound\s+planned \(mem 1 @ \d+\)\s+32\n/);
  t.regex(out, /\n {2}0\s+SomeBackend\s+segment \d\s+100\s+level \(2 B\)\n/);
  t.regex(out, /\nmethod forward: 2 instructions/);
  t.regex(out, /\nmethod second: 1 instruction,/);
  t.regex(out, /\n {2}aten::mul\.Scalar_out\s+1\n/);
  t.regex(out, /planned memory\n {2}mem_id\s+bytes\s+device\n {2}\s*1\s+\d+\s+cpu\n/);
});

test('bad files exit 1 naming the problem; usage errors exit 2; --help', async (t) => {
  const missing = await inspectCli('no/such.pte');
  t.is(missing.code, 1);
  t.regex(missing.stderr, /^etbench: cannot read .*no\/such\.pte: no such file\n$/);
  const dir = await tempDir(t);
  const truncated = await writeTemp(dir, 'cut.pte', (await import('node:fs')).readFileSync(ADD_MODEL).subarray(0, 600));
  const bad = await inspectCli(truncated);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /cut\.pte is not a valid program: file is truncated/);
  const usage = await inspectCli();
  t.is(usage.code, 2);
  t.regex(usage.stderr, /FILE is required\nSee `etbench inspect --help`/);
  t.is((await inspectCli('a.pte', 'b.pte')).code, 2);
  t.is((await inspectCli('--bogus', 'a.pte')).code, 2);
  const help = await inspectCli('--help');
  t.is(help.code, 0);
  t.regex(help.stdout, /^Usage: etbench inspect FILE \[--json\]/);
});
