// The emulated Cortex-M55 in the embedded farm: `etbench run --devices kind=mcu` builds the
// program's firmware, runs it under QEMU through the agent's qemu driver, and reports cycles
// (emulated instructions). A program larger than the board's program flash is UNSUPPORTED by
// capability matching, not run. Skips without arm-none-eabi-g++ / qemu-system-arm, never when CI=true.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import type { JsonRunDocument } from '../../cli/index.js';
import { mcuToolchain } from '../../native/mcu/index.js';
import { ProgramBuilder } from '../../program/index.js';
import { KEYWORD_SPOTTING } from '../helpers/fixtures.js';
import { buildDist, describe, runBin } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

const missing = mcuToolchain().missing;
const maybe = missing.length === 0 || process.env['CI'] === 'true' ? test.serial : test.serial.skip;
if (missing.length > 0) console.log(`mcu tests skipped: ${missing.join(', ')} not installed`);

test.before(() => buildDist());

maybe('--devices kind=mcu runs the KWS fixture on the emulated MCU and reports cycles', async (t) => {
  const home = await tempDir(t, 'etbench-mcu-');
  const done = await runBin('etbench', ['run', '--devices', 'kind=mcu', '--programs', KEYWORD_SPOTTING, '--iterations', '2', '--format', 'json'],
    { ETBENCH_HOME: home, ETBENCH_MCU: '1' }, 600_000);
  t.is(done.code, 0, describe(done));
  const [run] = (JSON.parse(done.stdout) as JsonRunDocument).runs;
  t.is(run?.device, 'qemu-mps3-an547');
  t.is(run?.status, 'OK', run?.problem ?? '');
  t.true((run?.result?.cycles ?? 0) > 1_000_000, JSON.stringify(run?.result?.cycles));
});

maybe('a program larger than the MCU program flash is UNSUPPORTED there, named with both sizes', async (t) => {
  const home = await tempDir(t, 'etbench-mcu-');
  // A valid program with a 9.6 MB constant: capability matching reads the stored program's size.
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [2_400_000] });
  m.output(m.call('aten::add.out', { self: x, other: m.constant({ dtype: 'float32', shape: [2_400_000], data: new Array<number>(2_400_000).fill(1) }) }));
  const big = path.join(home, 'big.pte');
  const bytes = b.build().pte;
  await writeFile(big, bytes);
  const done = await runBin('etbench', ['run', '--devices', 'kind=mcu', '--programs', big, '--format', 'json'], { ETBENCH_HOME: home, ETBENCH_MCU: '1' });
  t.is(done.code, 1, describe(done));
  const [run] = (JSON.parse(done.stdout) as JsonRunDocument).runs;
  const problem = run?.problem ?? '';
  t.true(problem.startsWith('unschedulable: device qemu-mps3-an547 holds programs up to 8388608 bytes (its program flash)'), problem);
  t.true(problem.endsWith(`big.pte is ${bytes.length} bytes`), problem);
});

maybe('a program planning more memory than the MCU arena is UNSUPPORTED there, named with both sizes', async (t) => {
  const home = await tempDir(t, 'etbench-mcu-');
  // Small on disk, but input and output of 1.1M float32 each are planned: 8.8 MB.
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [1_100_000] });
  m.output(m.call('aten::add.out', { self: x, other: m.constant({ dtype: 'float32', shape: [], data: [1] }) }));
  const wide = path.join(home, 'wide.pte');
  await writeFile(wide, b.build().pte);
  const done = await runBin('etbench', ['run', '--devices', 'kind=mcu', '--programs', wide, '--format', 'json'], { ETBENCH_HOME: home, ETBENCH_MCU: '1' });
  t.is(done.code, 1, describe(done));
  const problem = (JSON.parse(done.stdout) as JsonRunDocument).runs[0]?.problem ?? '';
  t.regex(problem, /^unschedulable: device qemu-mps3-an547 has 4063232 bytes for planned memory \(its RAM arena\); wide\.pte plans \d+ bytes$/);
  t.true(Number(/plans (\d+) bytes/.exec(problem)?.[1]) >= 8_800_000, problem);
});
