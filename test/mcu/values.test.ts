// Values survive the firmware's own number formatting (it cannot use libc's float printf: that
// needs a heap): float64 and int64 outputs of extreme magnitude equal the host etrun's exactly.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ProgramBuilder } from '../../program/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { mcuTest, runOnHost, runOnMcu } from './helpers.js';

const EXTREMES = [5e-324, 2.2250738585072014e-308, 1e-300, 0.1, 1 / 3, 123456789.123, 1e22, 1e23, 9007199254740993, 1.7976931348623157e308, -0, 2.5e-8];

mcuTest('float64 and int64 outputs of every magnitude print the same numbers as on the host', async (t) => {
  const dir = await tempDir(t, 'etbench-mcu-values-');
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float64', shape: [EXTREMES.length] });
  const scale = m.constant({ dtype: 'float64', shape: [EXTREMES.length], data: EXTREMES });
  const n = m.input({ dtype: 'int64', shape: [4] });
  const big = m.constant({ dtype: 'int64', shape: [4], data: [9007199254740993n, -9223372036854775807n, 0n, 1234567890123n] });
  m.output(m.call('aten::mul.out', { self: x, other: scale }), m.call('aten::add.out', { self: n, other: big }));
  const file = path.join(dir, 'values.pte');
  await writeFile(file, b.build().pte);
  const mcu = await runOnMcu(file, { inputs: 'random:11', printOutputs: true });
  t.is(mcu.code, 0, mcu.explain);
  const host = runOnHost(file, ['--inputs', 'random:11', '--print-outputs']);
  t.is(host.code, 0, host.explain);
  t.deepEqual(mcu.doc?.outputs, host.doc?.outputs);
  // int64 beyond 2^53 is compared as text: JSON.parse would round both sides alike.
  const int64Data = (text: string): string | undefined => /"dtype":"int64","shape":\[4\],"data":(\[[^\]]*\])/.exec(text)?.[1];
  t.is(int64Data(mcu.text ?? ''), int64Data(host.stdout));
  t.regex(mcu.text ?? '', /900719925474099\d/);
});
