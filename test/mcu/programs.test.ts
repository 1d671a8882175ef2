// Bundled programs check themselves on the emulated Cortex-M55, seeded random inputs equal the
// host's, and bad inputs give the runner contract's error document.

import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { starterSuite } from '../../program/index.js';
import { ADD_MODEL, BUNDLED, KEYWORD_SPOTTING } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { mcuTest, runOnHost, runOnMcu } from './helpers.js';

mcuTest('a bundled starter program passes its bundled test on the emulated MCU', async (t) => {
  const dir = await tempDir(t, 'etbench-mcu-starter-');
  const starter = starterSuite()[0];
  if (starter === undefined) return t.fail('the starter suite is empty');
  const file = path.join(dir, `${starter.name}.bpte`);
  await writeFile(file, starter.bytes);
  const run = await runOnMcu(file);
  t.is(run.code, 0, run.explain);
  t.is(run.doc?.config.inputs, 'bundled');
  t.is(run.doc?.config.case, 0);
  t.true((run.doc?.correctness?.length ?? 0) > 0, run.explain);
  t.true(run.doc?.correctness?.every((c) => c.pass), run.explain);
});

mcuTest('the real ExecuTorch bundled program checks all ten cases and prints the same outputs as the host', async (t) => {
  const mcu = await runOnMcu(BUNDLED, { printOutputs: true, caseIndex: 3 });
  t.is(mcu.code, 0, mcu.explain);
  t.true(mcu.doc?.correctness?.every((c) => c.pass), mcu.explain);
  const host = runOnHost(BUNDLED, ['--print-outputs', '--case', '3']);
  t.deepEqual(mcu.doc?.outputs, host.doc?.outputs);
  t.deepEqual(mcu.doc?.correctness, host.doc?.correctness);
});

mcuTest('random:SEED inputs are the contract\'s SplitMix64 values, as on the host', async (t) => {
  const mcu = await runOnMcu(ADD_MODEL, { inputs: 'random:7', printOutputs: true });
  t.is(mcu.code, 0, mcu.explain);
  t.is(mcu.doc?.config.inputs, 'random:7');
  const host = runOnHost(ADD_MODEL, ['--inputs', 'random:7', '--print-outputs']);
  t.deepEqual(mcu.doc?.outputs, host.doc?.outputs);
});

mcuTest('an inputs file that does not match the method is exit 3 with an error document', async (t) => {
  const dir = await tempDir(t, 'etbench-mcu-bad-');
  const wrongShape = path.join(dir, 'wrong.json');
  await writeFile(wrongShape, JSON.stringify([{ dtype: 'float32', shape: [2], data: [1, 2] }]));
  const a = await runOnMcu(ADD_MODEL, { inputs: wrongShape });
  t.is(a.code, 3, a.explain);
  t.is(a.doc?.error?.code, 3);
  const notJson = path.join(dir, 'broken.json');
  await writeFile(notJson, '{ not json');
  const b = await runOnMcu(ADD_MODEL, { inputs: notJson });
  t.is(b.code, 3, b.explain);
  t.regex(b.doc?.error?.message ?? '', /broken\.json/);
});

mcuTest('a truncated program is exit 3 and an operator this runtime lacks is exit 4, both with documents', async (t) => {
  const dir = await tempDir(t, 'etbench-mcu-bad-');
  const kws = new Uint8Array(readFileSync(KEYWORD_SPOTTING));
  const truncated = path.join(dir, 'truncated.pte');
  await writeFile(truncated, kws.subarray(0, 20_000));
  const a = await runOnMcu(truncated);
  t.is(a.code, 3, a.explain);
  t.is(a.doc?.error?.code, 3);
  // Same length, unknown name: the selective build skips it and the firmware's load names it.
  const renamed = Buffer.from(kws);
  const at = renamed.indexOf('cortex_m::pad');
  t.true(at > 0);
  renamed.write('cortex_m::pax', at);
  const file = path.join(dir, 'renamed.pte');
  await writeFile(file, renamed);
  const b = await runOnMcu(file);
  t.is(b.code, 4, b.explain);
  t.is(b.doc?.error?.name, 'OperatorMissing');
  t.regex(b.doc?.error?.message ?? '', /cortex_m::pax/);
});
