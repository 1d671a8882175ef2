// `etrun-mcu PROGRAM [flags]`: etrun's contract on the emulated Cortex-M55.
// Builds (or reuses) the program's firmware, runs it under QEMU and prints
// the firmware's JSON document; the exit code is the firmware's.

import { writeFileSync } from 'node:fs';
import { ensureFirmware } from './firmware.js';
import { runFirmware, type McuRunOptions } from './qemu.js';
import { MCU_PACKAGES, mcuToolchain } from './toolchain.js';

const USAGE = `usage: etrun-mcu PROGRAM.pte|PROGRAM.bpte [--inputs bundled|random:SEED|FILE] [--print-outputs]
       [--method NAME] [--case N] [--rtol X] [--atol X] [--warmup N] [--iterations N]
       [--json FILE] [--timeout SECONDS]`;

interface CliOptions extends McuRunOptions {
  program: string;
  json: string | null;
}

function parse(argv: string[]): CliOptions | string {
  const o: CliOptions = { program: '', json: null };
  const number = (flag: string, v: string | undefined, min: number): number | string => {
    const n = Number(v);
    return v !== undefined && v !== '' && Number.isFinite(n) && n >= min ? n : `${flag} needs a number >= ${min}`;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--print-outputs') {
      o.printOutputs = true;
      continue;
    }
    if (!a.startsWith('--')) {
      if (o.program) return `unexpected argument ${a}`;
      o.program = a;
      continue;
    }
    const v = argv[++i];
    if (v === undefined) return `${a} needs a value`;
    let n: number | string = 0;
    switch (a) {
      case '--inputs': o.inputs = v; break;
      case '--method': o.method = v; break;
      case '--json': o.json = v; break;
      case '--case': n = number(a, v, 0); o.caseIndex = Number(n); break;
      case '--rtol': n = number(a, v, 0); o.rtol = Number(n); break;
      case '--atol': n = number(a, v, 0); o.atol = Number(n); break;
      case '--warmup': n = number(a, v, 0); o.warmup = Number(n); break;
      case '--iterations': n = number(a, v, 1); o.iterations = Number(n); break;
      case '--timeout': n = number(a, v, 1); o.timeoutMs = Number(n) * 1000; break;
      default: return `unknown flag ${a}`;
    }
    if (typeof n === 'string') return n;
  }
  if (!o.program) return 'no program given';
  return o;
}

/** Runs the command; resolves to the process exit code. */
export async function etrunMcu(argv: string[]): Promise<number> {
  const o = parse(argv);
  if (typeof o === 'string') {
    process.stderr.write(`etrun-mcu: ${o}\n${USAGE}\n`);
    return 2;
  }
  const tools = mcuToolchain();
  if (!tools.ok) {
    process.stderr.write(`etrun-mcu: missing ${tools.missing.join(', ')}; install the Debian packages ${MCU_PACKAGES.join(' ')}\n`);
    return 4;
  }
  let firmware;
  try {
    firmware = await ensureFirmware(o.program);
  } catch (e) {
    process.stderr.write(`etrun-mcu: cannot build firmware for ${o.program}: ${(e as Error).message}\n`);
    return 3;
  }
  const r = await runFirmware(firmware.elf, o.program, o);
  process.stderr.write(r.stderr);
  if (r.timedOut) {
    process.stderr.write(`etrun-mcu: the emulation ran past its time limit\n`);
    return 7;
  }
  if (r.text !== null) {
    if (o.json) writeFileSync(o.json, r.text); else process.stdout.write(r.text);
  }
  return r.code ?? 5;
}
