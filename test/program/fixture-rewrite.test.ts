// Every real fixture survives read → write → read: the decoded image and the decoded program
// (file positions aside) are deep-equal, every segment is byte-identical, and the rewritten file
// behaves the same on the runtime — bit-identical outputs where our runtime runs the program,
// the same exit code 4 and message where it lacks an operator or backend.

import test from 'ava';
import {
  readBundled, readProgram, readProgramImage, writeBundled, writeProgramImage, type ProgramInfo,
} from '../../program/index.js';
import { QUICK, describeRun, etrun, tempDir, writeTemp } from './etrun.js';
import { BUNDLED_FIXTURES, PROGRAM_FIXTURES, fixture } from './helpers.js';
import { withoutFilePositions } from './layout.js';

/** The rewritten program; also checks the rewrite is deterministic. */
function rewrite(bytes: Uint8Array): Uint8Array {
  const once = writeProgramImage(readProgramImage(bytes));
  const twice = writeProgramImage(readProgramImage(bytes));
  if (!Buffer.from(once).equals(Buffer.from(twice))) throw new Error('rewrite is not deterministic');
  return once;
}

function segmentBytes(bytes: Uint8Array, info: ProgramInfo): Uint8Array[] {
  return info.segments.map((s) => (s.fileOffset === null ? new Uint8Array(0) : bytes.subarray(s.fileOffset, s.fileOffset + s.size)));
}

for (const name of PROGRAM_FIXTURES) {
  test(`${name}: read → write → read keeps the program and every segment byte`, (t) => {
    const original = fixture(name);
    const rewritten = rewrite(original);
    t.deepEqual(readProgramImage(rewritten), readProgramImage(original));
    const [before, after] = [readProgram(original), readProgram(rewritten)];
    t.deepEqual(withoutFilePositions(after), withoutFilePositions(before));
    t.is(after.segments.length, before.segments.length);
    const [a, b] = [segmentBytes(original, before), segmentBytes(rewritten, after)];
    a.forEach((bytes, i) => t.true(Buffer.from(bytes).equals(Buffer.from(b[i]!)), `segment ${i} differs`));
    // Delegate payloads and compile specs are where the reader says, with the same bytes.
    before.methods.forEach((m, mi) =>
      m.delegates.forEach((d, di) => {
        const e = after.methods[mi]!.delegates[di]!;
        const payload = (bytes: Uint8Array, offset: number | null, size: number): Buffer =>
          Buffer.from(offset === null ? [] : bytes.subarray(offset, offset + size));
        t.true(payload(original, d.payloadOffset, d.payloadSize).equals(payload(rewritten, e.payloadOffset, e.payloadSize)));
      }),
    );
  });
}

test('the real bundled program survives a rewrite of its embedded program and of the bundle', (t) => {
  const original = fixture(BUNDLED_FIXTURES[0]);
  const bundle = readBundled(original);
  const rebuilt = writeBundled(rewrite(bundle.programBytes), bundle.suites);
  const again = readBundled(rebuilt);
  t.deepEqual(again.suites, bundle.suites);
  t.is(again.version, bundle.version);
  t.deepEqual(withoutFilePositions(again.program), withoutFilePositions(bundle.program));
  t.deepEqual(readProgramImage(again.programBytes), readProgramImage(bundle.programBytes));
  t.deepEqual(writeBundled(again.programBytes, again.suites), rebuilt);
});

/** Fixtures our runtime runs end to end, and the rewritten files it must run identically. */
const RUNNABLE = [
  'executorch/arduino_AddModel.pte',
  'executorch/arduino_HelloExecuTorch.pte',
  'executorch/apple_tests_add.pte',
  'executorch/ModuleLinear-no-constant-segment.pte',
  'executorch/module_test_bundled_program.embedded.pte',
  'executorch/arduino_KeywordSpotting.pte',
  // XNNPACK-delegated: the payload and named-data weights must survive the rewrite.
  'xnnpack/conv3x3.pte',
  'xnnpack/linear129.pte',
  'xnnpack/quantized_linear.pte',
];

for (const name of RUNNABLE) {
  test.serial(`${name}: the rewritten file gives bit-identical outputs on etrun`, async (t) => {
    const dir = await tempDir(t);
    const original = await writeTemp(dir, 'original.pte', fixture(name));
    const rewritten = await writeTemp(dir, 'rewritten.pte', rewrite(fixture(name)));
    const [a, b] = [etrun([original, ...QUICK]), etrun([rewritten, ...QUICK])];
    t.is(a.code, 0, describeRun(a));
    t.is(b.code, 0, describeRun(b));
    t.truthy(a.doc?.outputs?.length);
    // JSON numbers are printed round-trippably, so equal numbers mean equal float bits.
    t.deepEqual(b.doc?.outputs, a.doc?.outputs);
  });
}

test.serial('the real .bpte: rewritten bundle passes its bundled cases and matches on random inputs', async (t) => {
  const dir = await tempDir(t);
  const bytes = fixture(BUNDLED_FIXTURES[0]);
  const bundle = readBundled(bytes);
  const original = await writeTemp(dir, 'original.bpte', bytes);
  const rewritten = await writeTemp(dir, 'rewritten.bpte', writeBundled(rewrite(bundle.programBytes), bundle.suites));
  for (const file of [original, rewritten]) {
    const r = etrun([file, '--iterations', '1', '--warmup', '0']);
    t.is(r.code, 0, describeRun(r));
    t.true(r.doc?.correctness?.every((c) => c.pass) ?? false);
  }
  const [a, b] = [etrun([original, ...QUICK]), etrun([rewritten, ...QUICK])];
  t.is(a.code, 0, describeRun(a));
  t.deepEqual(b.doc?.outputs, a.doc?.outputs);
});

