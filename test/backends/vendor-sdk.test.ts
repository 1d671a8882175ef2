// The vendor path of docs/backends.md, followed literally: install the backend SDK, write the
// document's ExampleBackend into a temporary folder outside the repository, compile and link it
// with the document's commands (only the SDK's headers and library), then run bundled programs
// that delegate to it. The commands and the backend's source are read from the document, so a
// change there that breaks a vendor breaks this test.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ProgramBuilder } from '../../program/index.js';
import { ETRUN, tempDir, writeTemp } from '../program/etrun.js';
import { repoRoot } from '../program/helpers.js';
import { inputValues } from './xnnpack-helpers.js';

/** The fenced block right after `<!-- name -->` in docs/backends.md. */
function docBlock(doc: string, name: string): string {
  const m = new RegExp(`<!-- ${name} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``).exec(doc);
  if (m === null) throw new Error(`docs/backends.md has no block marked <!-- ${name} -->`);
  return m[1]!;
}

function sh(script: string, cwd: string, sdk: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
    cwd, env: { ...process.env, SDK: sdk }, encoding: 'utf8', timeout: 900_000, maxBuffer: 64 << 20,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Run {
  code: number | null;
  stderr: string;
  doc: { correctness: { pass: boolean }[] | null; outputs: { data: number[] }[] | null; error: { message: string } | null } | null;
}

function runEtrun(bin: string, args: string[]): Run {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  let doc: Run['doc'] = null;
  try {
    doc = JSON.parse(r.stdout) as Run['doc'];
  } catch {
    doc = null;
  }
  return { code: r.status, stderr: r.stderr, doc };
}

/** An EXB1 payload: [kind, a, b, out] steps (docs/backends.md). */
function payload(steps: number[][]): Uint8Array {
  const p = new Uint8Array(8 + 4 * steps.length);
  p.set([0x45, 0x58, 0x42, 0x31]);
  new DataView(p.buffer).setUint32(4, steps.length, true);
  steps.forEach((s, i) => p.set(s, 8 + 4 * i));
  return p;
}

const ADD = 1;
const MUL = 2;
const RELU = 3;
const f32 = (v: number): number => Math.fround(v);

/** forward(x, y) = delegate(x, y) -> out, optionally followed by a portable add of x. */
function program(steps: number[][], expected: (x: number, y: number) => number, o: {
  specs?: Record<string, Uint8Array>; portableAfter?: boolean; corrupt?: boolean;
} = {}): Uint8Array {
  const n = 24;
  const xs = inputValues(n, 11).map((v) => f32(v * 8));
  const ys = inputValues(n, 12).map((v) => f32(v * 8));
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [4, 6] });
  const y = m.input({ dtype: 'float32', shape: [4, 6] });
  const d = m.tensor({ dtype: 'float32', shape: [4, 6] });
  m.delegate({ id: 'ExampleBackend', payload: payload(steps), compileSpecs: o.specs }, [x, y], [d]);
  let exp = xs.map((v, i) => f32(expected(v, ys[i]!)));
  if (o.portableAfter) {
    m.output(m.call('aten::add.out', { self: d, other: x, out: m.tensor({ dtype: 'float32', shape: [4, 6] }) }));
    exp = exp.map((v, i) => f32(v + xs[i]!));
  } else {
    m.output(d);
  }
  if (o.corrupt) exp = exp.map((v, i) => (i === 5 ? v + 1 : v));
  b.testCase('forward', { inputs: [xs, ys], expectedOutputs: [exp] });
  return b.build().bpte!;
}

test.serial('a backend built outside the repository from the installed SDK and docs/backends.md runs its programs', async (t) => {
  t.timeout(900_000);  // install-sdk compiles the runtime when build/ is not up to date
  const doc = await readFile(path.join(repoRoot, 'docs', 'backends.md'), 'utf8');
  const dir = await tempDir(t, 'etbench-vendor-');
  t.false(path.resolve(dir).startsWith(repoRoot + path.sep), 'the vendor folder is outside the repository');
  const sdk = path.join(dir, 'sdk');
  const vendor = path.join(dir, 'vendor');
  await mkdir(vendor);

  // 1. Install the SDK (in the checkout), 2. the backend's source, 3. compile + link (in the vendor folder).
  const install = sh(docBlock(doc, 'vendor-sdk-install'), repoRoot, sdk);
  t.is(install.code, 0, install.stderr);
  await writeTemp(vendor, 'example_backend.cpp', docBlock(doc, 'vendor-example-backend') + '\n');
  const built = sh(docBlock(doc, 'vendor-sdk-build'), vendor, sdk);
  t.is(built.code, 0, built.stderr);
  // Only the SDK was on the include path: the source names no repository path either.
  t.notRegex(docBlock(doc, 'vendor-sdk-build'), /native\//);
  const caps = JSON.parse(built.stdout) as { backends: string[] };
  t.deepEqual(caps.backends, ['XnnpackBackend', 'ExampleBackend']);
  const bin = path.join(vendor, 'etrun');

  const relu6 = new Uint8Array(new Float32Array([6]).buffer);
  const cases: { name: string; bpte: Uint8Array; code: number; message?: RegExp }[] = [
    { name: 'relu(x + y)', bpte: program([[ADD, 0, 1, 2], [RELU, 2, 0, 2]], (x, y) => Math.max(f32(x + y), 0)), code: 0 },
    { name: 'x * y, then a portable add', bpte: program([[MUL, 0, 1, 2]], (x, y) => x * y, { portableAfter: true }), code: 0 },
    { name: 'relu6(x * y) via the relu_max compile spec', code: 0,
      bpte: program([[MUL, 0, 1, 2], [RELU, 2, 0, 2]], (x, y) => Math.min(Math.max(f32(x * y), 0), 6), { specs: { relu_max: relu6 } }) },
    { name: 'a wrong expected value', bpte: program([[ADD, 0, 1, 2]], (x, y) => x + y, { corrupt: true }), code: 6 },
    { name: 'an unknown step kind', bpte: program([[ADD, 0, 1, 2], [7, 2, 0, 2]], (x) => x), code: 4,
      message: /example: step 1 has kind 7, not add\/mul\/relu/ },
    { name: 'a step reading past the args', bpte: program([[ADD, 0, 9, 2]], (x) => x), code: 5, message: /step 0: arg 9 is not a tensor/ },
  ];
  for (const c of cases) {
    const file = await writeTemp(dir, `case${cases.indexOf(c)}.bpte`, c.bpte);
    const r = runEtrun(bin, [file, '--rtol', '0', '--atol', '1e-6']);
    t.is(r.code, c.code, `${c.name}: ${r.stderr}`);
    if (c.code === 0) t.true(r.doc!.correctness!.length === 1 && r.doc!.correctness!.every((k) => k.pass), c.name);
    if (c.code === 6) t.false(r.doc!.correctness![0]!.pass, c.name);
    if (c.message) t.regex(r.doc!.error!.message, c.message, c.name);
  }

  // Its steps appear in the op profile (BackendExecuteContext::node_event), before the delegate's
  // own entry, which keeps the time outside them.
  const profiled = runEtrun(bin, [await writeTemp(dir, 'profiled.bpte', cases[0]!.bpte), '--profile', '--iterations', '3', '--warmup', '0']);
  t.is(profiled.code, 0, profiled.stderr);
  const entries = (profiled.doc as unknown as { op_profile: { name: string; kind: string; backend: string | null; calls: number }[] }).op_profile;
  t.deepEqual(entries.map((e) => [e.name, e.kind, e.backend, e.calls]), [
    ['example::add', 'delegate', 'ExampleBackend', 3], ['example::relu', 'delegate', 'ExampleBackend', 3], ['ExampleBackend', 'delegate', 'ExampleBackend', 3],
  ]);

  // A payload that is not EXB1 is a bad program (exit 3); the repository's own etrun, which
  // lacks the vendor's object, reports the same good program as unsupported (exit 4).
  const bad = new ProgramBuilder();
  const bm = bad.method('forward');
  const bx = bm.input({ dtype: 'float32', shape: [2] });
  const by = bm.tensor({ dtype: 'float32', shape: [2] });
  bm.delegate({ id: 'ExampleBackend', payload: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) }, [bx], [by]);
  bm.output(by);
  const badFile = await writeTemp(dir, 'bad.pte', bad.build().pte);
  const rb = runEtrun(bin, [badFile, '--inputs', 'random:0']);
  t.is(rb.code, 3, rb.stderr);
  t.regex(rb.doc!.error!.message, /payload is not EXB1/);
  const good = path.join(dir, 'case0.bpte');
  const own = runEtrun(ETRUN, [good]);
  t.is(own.code, 4, own.stderr);
  t.regex(own.doc!.error!.message, /ExampleBackend/);
});
