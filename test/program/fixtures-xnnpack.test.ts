import crypto from 'node:crypto';
import test from 'ava';
import { readProgram } from '../../program/index.js';
import { fixture } from './helpers.js';

const CASES = [
  { file: 'conv3x3.pte', input: [1, 3, 16, 16], output: [1, 8, 16, 16], inputPlanned: true },
  { file: 'linear129.pte', input: [129], output: [64], inputPlanned: false },
  { file: 'quantized_linear.pte', input: [2, 8], output: [2, 8], inputPlanned: true },
];

for (const c of CASES) {
  test(`xnnpack ${c.file}: one XnnpackBackend delegate in a segment, weights as named data`, (t) => {
    const bytes = fixture(`xnnpack/${c.file}`);
    const info = readProgram(bytes);
    t.is(info.header?.headerLength, 32);
    t.is(info.header?.segmentBaseOffset, 1280);
    const [m] = info.methods;
    t.is(info.methods.length, 1);
    t.deepEqual(m?.operators, []);
    t.deepEqual(m?.chains, [[{ kind: 'DelegateCall', delegateIndex: 0, args: [0, 1] }]]);
    t.is(m?.delegates.length, 1);
    const d = m!.delegates[0]!;
    t.like(d, { id: 'XnnpackBackend', location: 'segment', index: 1, compileSpecKeys: [] });
    t.not(d.payloadOffset, null);
    // Payloads start with the XH00 header (bytes 4..7).
    t.is(Buffer.from(bytes.subarray(d.payloadOffset! + 4, d.payloadOffset! + 8)).toString('latin1'), 'XH00');
    t.is(d.payloadSize, info.segments[1]!.size);

    // Named data keys are the sha256 of the blob they name.
    t.is(info.namedData.length, 2);
    for (const n of info.namedData) {
      t.regex(n.key, /^[0-9a-f]{64}$/);
      const s = info.segments[n.segmentIndex]!;
      const blob = bytes.subarray(s.fileOffset!, s.fileOffset! + s.size);
      t.is(crypto.createHash('sha256').update(blob).digest('hex'), n.key);
    }
    t.is(info.constants.storage, 'none');
    t.like(m?.inputs[0]?.tensor, { dtype: 'float32', shape: c.input, placement: c.inputPlanned ? 'planned' : 'unplanned' });
    t.like(m?.outputs[0]?.tensor, { dtype: 'float32', shape: c.output, placement: 'planned' });
  });
}
