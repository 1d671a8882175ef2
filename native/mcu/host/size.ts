// Footprint of a firmware ELF: section sizes from `arm-none-eabi-size -A`,
// and the flash bytes (code + read-only data) each part contributes, from
// the linker map (input sections kept after --gc-sections).

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export type FirmwarePart = 'core' | 'kernels' | 'firmware' | 'libc';

export interface Footprint {
  /** Code and read-only data in flash (the .text output section), without the program. */
  flashBytes: number;
  /** The linked program (.pte/.bpte) in QSPI flash. */
  programBytes: number;
  /** Initialised and zeroed static RAM (.data + .bss), without the stack and the arena. */
  staticRamBytes: number;
  stackBytes: number;
  arenaBytes: number;
  /** flashBytes split by where the code comes from. */
  parts: Record<FirmwarePart, number>;
}

function sections(elf: string): Map<string, number> {
  const out = execFileSync('arm-none-eabi-size', ['-A', elf], { encoding: 'utf8' });
  const map = new Map<string, number>();
  for (const line of out.split('\n')) {
    const m = /^(\.\S+)\s+(\d+)\s+\d+/.exec(line.trim());
    if (m) map.set(m[1] ?? '', Number(m[2]));
  }
  return map;
}

function partOf(owner: string): FirmwarePart {
  if (owner.includes('/obj/runtime/')) return 'core';
  if (owner.includes('libetb_kernels.a(') || owner.endsWith('selected_kernels.o')) return 'kernels';
  if (owner.includes('/obj/mcu/') || owner.includes('/obj/runner/') || owner.endsWith('program_info.o') || owner.endsWith('program_blob.o')) return 'firmware';
  return 'libc';
}

/** Sums kept .text and .rodata input sections per part from a GNU ld map file. */
export function flashByPart(mapText: string): Record<FirmwarePart, number> {
  const parts: Record<FirmwarePart, number> = { core: 0, kernels: 0, firmware: 0, libc: 0 };
  const start = mapText.indexOf('Linker script and memory map');
  const lines = mapText.slice(start < 0 ? 0 : start).split('\n');
  let pending: string | null = null;
  for (const line of lines) {
    // Either " .text.name  0xADDR  0xSIZE owner" or the name alone, then "  0xADDR 0xSIZE owner".
    const full = /^ (\.(?:text|rodata)\S*)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
    const cont = /^\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
    if (full) {
      parts[partOf(full[3] ?? '')] += parseInt(full[2] ?? '0', 16);
      pending = null;
    } else if (pending !== null && cont) {
      parts[partOf(cont[2] ?? '')] += parseInt(cont[1] ?? '0', 16);
      pending = null;
    } else {
      const name = /^ (\.(?:text|rodata)\S*)\s*$/.exec(line);
      pending = name ? (name[1] ?? null) : null;
    }
  }
  return parts;
}

export function footprint(elf: string, mapFile = `${elf}.map`): Footprint {
  const s = sections(elf);
  const get = (name: string): number => s.get(name) ?? 0;
  return {
    flashBytes: get('.text') + get('.ARM.exidx') + get('.data'),
    programBytes: get('.program'),
    staticRamBytes: get('.data') + get('.bss'),
    stackBytes: get('.stack'),
    arenaBytes: get('.arena'),
    parts: flashByPart(readFileSync(mapFile, 'utf8')),
  };
}
