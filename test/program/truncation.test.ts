import test from 'ava';
import { ProgramFormatError, readBundled, readProgram } from '../../program/index.js';
import { BUNDLED_FIXTURES, PROGRAM_FIXTURES, fixture } from './helpers.js';

/** Every 7th prefix length, plus the last few bytes where a parser is most tempted to succeed. */
function prefixLengths(size: number): number[] {
  const lengths = new Set<number>();
  for (let n = 0; n < size; n += 7) lengths.add(n);
  for (let n = Math.max(0, size - 4); n < size; n++) lengths.add(n);
  return [...lengths];
}

function checkPrefixes(t: import('ava').ExecutionContext, bytes: Uint8Array, read: (b: Uint8Array) => unknown): void {
  for (const n of prefixLengths(bytes.length)) {
    // slice: a fresh, shorter buffer, so nothing beyond it is even addressable.
    const prefix = bytes.slice(0, n);
    const error = t.throws(() => read(prefix), undefined, `prefix of ${n} bytes`);
    if (!(error instanceof ProgramFormatError)) {
      t.fail(`prefix of ${n} bytes threw ${String(error)}`);
      return;
    }
  }
}

for (const file of PROGRAM_FIXTURES) {
  test(`truncated ${file} gives ProgramFormatError`, (t) => {
    checkPrefixes(t, fixture(file), readProgram);
  });
}

for (const file of BUNDLED_FIXTURES) {
  test(`truncated ${file} gives ProgramFormatError`, (t) => {
    checkPrefixes(t, fixture(file), readBundled);
  });
}

test('truncation errors name the field and the offset', (t) => {
  const bytes = fixture('executorch/ModuleLinear-no-constant-segment.pte');
  const error = t.throws(() => readProgram(bytes.slice(0, 700)), { instanceOf: ProgramFormatError });
  t.not(error?.offset, null);
  t.regex(error?.message ?? '', /^program\.execution_plan\[0\]\..* outside the flatbuffer \(700 bytes; truncated or corrupt file\) \(at byte \d+\)$/);
});
