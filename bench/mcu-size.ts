// Footprint of the Cortex-M55 firmware (docs/mcu.md): the runtime core without kernels, the
// KeywordSpotting firmware and the RAM its run touches, next to the committed ceilings.
//
//   npm run bench:mcu-size            (node --import=tsx bench/mcu-size.ts)
//   npm run bench:mcu-size -- --json  one JSON object instead of the table
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildCoreOnly, ensureFirmware, footprint, mcuToolchain, runFirmware } from '../native/mcu/index.js';
import { packagePath } from '../native/runner/paths.js';

const tools = mcuToolchain();
if (!tools.ok) {
  console.log(`skipped: missing ${tools.missing.join(', ')}`);
  process.exit(0);
}
const kws = path.resolve(packagePath(), '..', 'shared', 'fixtures', 'executorch', 'arduino_KeywordSpotting.pte');
const ceiling = JSON.parse(readFileSync(packagePath('bench', 'mcu-size-ceiling.json'), 'utf8')) as Record<string, number>;

const core = footprint(await buildCoreOnly());
const fw = await ensureFirmware(kws);
const kwsSize = footprint(fw.elf);
const run = await runFirmware(fw.elf, kws, { inputs: 'random:0' });
const ram = run.ram;
const ramBytes = ram === null ? null : kwsSize.staticRamBytes + ram.stackPeak + ram.arenaUsed;
const report = {
  toolchain: 'arm-none-eabi-gcc -Os -mcpu=cortex-m55, newlib-nano',
  core_flash_bytes: core.parts.core,
  core_only_image_flash_bytes: core.flashBytes,
  kws_flash_bytes: kwsSize.flashBytes,
  kws_flash_parts: kwsSize.parts,
  kws_program_bytes: kwsSize.programBytes,
  kws_ram_bytes: ramBytes,
  kws_ram_parts: ram === null ? null : { static: kwsSize.staticRamBytes, stack_peak: ram.stackPeak, arena_used: ram.arenaUsed },
  kws_emulated_instructions: (run.result?.['cycles'] as number | null | undefined) ?? null,
  ceiling,
};
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(report));
} else {
  const row = (what: string, bytes: number | null, limit?: number): void =>
    console.log(`${what.padEnd(58)} ${String(bytes).padStart(8)} B${limit ? `   (ceiling ${limit})` : ''}`);
  console.log(`Cortex-M55 firmware footprint (${report.toolchain})`);
  row('runtime core, no kernels (native/runtime/*: code + rodata)', core.parts.core, ceiling['core_flash_bytes']);
  row('core-only image (core + startup + semihosting + libc)', core.flashBytes);
  row('KeywordSpotting firmware flash (without the program)', kwsSize.flashBytes, ceiling['kws_flash_bytes']);
  for (const [part, bytes] of Object.entries(kwsSize.parts)) row(`  ${part}`, bytes);
  row('KeywordSpotting program in QSPI flash', kwsSize.programBytes);
  row('KeywordSpotting run RAM (static + stack peak + arena used)', ramBytes, ceiling['kws_ram_bytes']);
  console.log(`KeywordSpotting execute: ${String(report.kws_emulated_instructions)} emulated instructions (QEMU -icount shift=0)`);
}
