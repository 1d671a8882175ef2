import test from 'ava';
import { IncompatibleVersionError, ProgramFormatError, readBundled, readProgram } from '../../program/index.js';
import { PROGRAM_FIXTURES, fixture } from './helpers.js';

function patched(bytes: Uint8Array, offset: number, values: number[]): Uint8Array {
  const copy = bytes.slice();
  copy.set(values, offset);
  return copy;
}

test('a bundled program is "not an ExecuTorch program", and vice versa', (t) => {
  const bpte = fixture('executorch/module_test_bundled_program.bpte');
  const e1 = t.throws(() => readProgram(bpte), { instanceOf: ProgramFormatError });
  t.false(e1 instanceof IncompatibleVersionError);
  t.is(e1?.message, 'not an ExecuTorch program: file identifier is "BP08", expected "ET12" (at byte 4)');
  const e2 = t.throws(() => readBundled(fixture('executorch/apple_tests_add.pte')), { instanceOf: ProgramFormatError });
  t.regex(e2?.message ?? '', /^not a bundled program: file identifier is "ET12", expected "BP08"/);
});

test('ET + other digits is an incompatible version, not garbage', (t) => {
  const bytes = patched(fixture('executorch/arduino_AddModel.pte'), 4, [0x45, 0x54, 0x31, 0x31]); // "ET11"
  const error = t.throws(() => readProgram(bytes), { instanceOf: IncompatibleVersionError });
  t.is(error?.found, 'ET11');
  t.is(error?.offset, 4);
  t.regex(error?.message ?? '', /incompatible ExecuTorch program version: file identifier is "ET11", this reader supports "ET12"/);
  // Inside a bundle the version error passes through unchanged.
  const bundle = fixture('executorch/module_test_bundled_program.bpte');
  const inner = patched(bundle, 64 + 4, [0x45, 0x54, 0x39, 0x39]);
  t.throws(() => readBundled(inner), { instanceOf: IncompatibleVersionError });
  t.throws(() => readBundled(patched(bundle, 4, [0x42, 0x50, 0x30, 0x37])), { instanceOf: IncompatibleVersionError });
});

test('non-flatbuffer input and empty input', (t) => {
  t.throws(() => readProgram(new Uint8Array(0)), { message: /too short/ });
  t.throws(() => readProgram(new TextEncoder().encode('hello, this is not a model file')), { message: /not an ExecuTorch program/ });
});

test('extended header checks: header_length, program_size, root offset', (t) => {
  const bytes = fixture('executorch/arduino_AddModel.pte');
  t.throws(() => readProgram(patched(bytes, 12, [16, 0, 0, 0])), { message: /header_length 16 is below 24 \(at byte 12\)/ });
  t.throws(() => readProgram(patched(bytes, 16, [0, 0x10, 0, 0])), { message: /program_size is 4096 bytes but the file has 1156/ });
  t.throws(() => readProgram(patched(bytes, 0, [0xff, 0xff, 0, 0])), { message: /root table offset 65535 is outside the flatbuffer/ });
  t.throws(() => readProgram(patched(bytes, 32, [0, 1, 0, 0])), { message: /file is truncated: header says 1408 bytes/ });
});

test('a corrupt field is reported with its path', (t) => {
  // apple add.pte: make value 0's tensor scalar_type an unknown code (9 = reserved COMPLEXFLOAT).
  const bytes = fixture('executorch/apple_tests_add.pte');
  const info = readProgram(bytes);
  t.is(info.methods[0]?.values[0]?.kind, 'Tensor');
  // Find the FLOAT (6) byte of a tensor by trying candidates until the reader complains about scalar_type.
  let message = '';
  for (let i = 0; i < bytes.length && message === ''; i++) {
    if (bytes[i] !== 6) continue;
    try {
      readProgram(patched(bytes, i, [9]));
    } catch (e) {
      if (e instanceof ProgramFormatError && /scalar_type/.test(e.message)) message = e.message;
    }
  }
  t.regex(message, /^program\.execution_plan\[0\]\.values\[\d+\]\.scalar_type: unknown ScalarType 9$/);
});

/** mulberry32, so the mutations are the same on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let r = Math.imul(s ^ (s >>> 15), s | 1);
    r ^= r + Math.imul(r ^ (r >>> 7), r | 61);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

test('random byte corruption never escapes as anything but ProgramFormatError', (t) => {
  const next = random(42);
  let rejected = 0;
  for (const file of PROGRAM_FIXTURES) {
    const bytes = fixture(file);
    const flatbufferEnd = Math.min(bytes.length, 16000);
    for (let round = 0; round < 150; round++) {
      const copy = bytes.slice();
      for (let k = 0; k < 1 + Math.floor(next() * 4); k++) {
        copy[Math.floor(next() * flatbufferEnd)] = Math.floor(next() * 256);
      }
      try {
        readProgram(copy);
      } catch (e) {
        if (!(e instanceof ProgramFormatError)) {
          t.fail(`${file} round ${round}: ${String(e)}`);
          return;
        }
        rejected++;
      }
    }
  }
  t.true(rejected > 100, `only ${rejected} corrupt files were rejected`);
});
