// Footprint of the firmware from arm-none-eabi-size and the linker map, held under the ceilings
// committed in bench/mcu-size-ceiling.json: the runtime core without kernels, the whole
// KeywordSpotting firmware, and the RAM its run touches (static data, stack peak, arena used).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildCoreOnly, ensureFirmware, footprint } from '../../native/mcu/index.js';
import { KEYWORD_SPOTTING, repoRoot } from '../helpers/fixtures.js';
import { mcuTest, runOnMcu } from './helpers.js';

const ceiling = JSON.parse(readFileSync(path.join(repoRoot, 'bench', 'mcu-size-ceiling.json'), 'utf8')) as Record<string, number>;

mcuTest('the runtime core without kernels stays under its flash ceiling (goal: 30 KB)', async (t) => {
  const f = footprint(await buildCoreOnly());
  t.log(`core flash ${f.parts.core} B (whole core-only image ${f.flashBytes} B: libc ${f.parts.libc}, startup+semihosting ${f.parts.firmware})`);
  t.is(f.parts.kernels, 0);
  t.true(f.parts.core > 10_000, 'the map was parsed');
  t.true(f.parts.core <= (ceiling['core_flash_bytes'] ?? 0), `core ${f.parts.core} B > ceiling ${String(ceiling['core_flash_bytes'])}`);
});

mcuTest('the KeywordSpotting firmware and its run stay under their flash and RAM ceilings', async (t) => {
  const run = await runOnMcu(KEYWORD_SPOTTING, { inputs: 'random:0' });
  t.is(run.code, 0, run.explain);
  const f = footprint((await ensureFirmware(KEYWORD_SPOTTING)).elf);
  const ram = run.ram;
  if (ram === null) return t.fail(`no ram line in stderr:\n${run.stderr}`);
  const ramBytes = f.staticRamBytes + ram.stackPeak + ram.arenaUsed;
  t.log(`flash ${f.flashBytes} B (core ${f.parts.core}, kernels ${f.parts.kernels}, firmware ${f.parts.firmware}, libc ${f.parts.libc}) + program ${f.programBytes} B`);
  t.log(`ram ${ramBytes} B (static ${f.staticRamBytes}, stack peak ${ram.stackPeak}, arena used ${ram.arenaUsed}); cycles ${String(run.doc?.cycles)}`);
  t.true(f.parts.kernels > 0);
  t.true(f.flashBytes <= (ceiling['kws_flash_bytes'] ?? 0), `flash ${f.flashBytes} B > ceiling`);
  t.true(ramBytes <= (ceiling['kws_ram_bytes'] ?? 0), `ram ${ramBytes} B > ceiling`);
});
