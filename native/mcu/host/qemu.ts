// Runs a firmware under qemu-system-arm (mps3-an547, Cortex-M55) with
// semihosting and `-icount shift=0`, and collects its runner-contract JSON.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inputsFileBytes } from './inputs-file.js';

export interface McuRunOptions {
  /** `bundled`, `random:SEED` or the path of a JSON inputs file; null: the firmware's default. */
  inputs?: string | null;
  printOutputs?: boolean;
  method?: string | null;
  caseIndex?: number | null;
  rtol?: number | null;
  atol?: number | null;
  warmup?: number | null;
  iterations?: number | null;
  /** Wall-clock limit for the emulation (default 120 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** RAM the run touched, from the firmware's last stderr line. */
export interface McuRam {
  arenaUsed: number;
  arenaCapacity: number;
  stackPeak: number;
  stackSize: number;
}

export interface McuRunResult {
  /** QEMU's exit status, which is the firmware's exit code (runner contract); null when killed. */
  code: number | null;
  timedOut: boolean;
  /** The parsed JSON document, with program.path and config.inputs as the caller named them; null when none was written. */
  result: Record<string, unknown> | null;
  /** The same document as text, one line with its newline: what etrun-mcu prints. */
  text: string | null;
  stderr: string;
  ram: McuRam | null;
}

/** QEMU's option syntax doubles commas inside values. */
const qemuValue = (s: string): string => s.replaceAll(',', ',,');

function parseRam(stderr: string): McuRam | null {
  const m = /etrun-mcu: ram arena_used=(\d+) arena_capacity=(\d+) stack_peak=(\d+) stack_size=(\d+)/.exec(stderr);
  if (!m) return null;
  return { arenaUsed: Number(m[1]), arenaCapacity: Number(m[2]), stackPeak: Number(m[3]), stackSize: Number(m[4]) };
}

export async function runFirmware(elf: string, programPath: string, o: McuRunOptions = {}): Promise<McuRunResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'etrun-mcu-'));
  try {
    const jsonPath = path.join(dir, 'result.json');
    const args = ['firmware', '--json', jsonPath];
    const inputs = o.inputs ?? null;
    let inputsFile: string | null = null;
    if (inputs !== null) {
      if (inputs === 'bundled' || inputs.startsWith('random:')) {
        args.push('--inputs', inputs);
      } else {
        const file = path.join(dir, 'inputs.bin');
        inputsFile = file;
        let text: string | null = null;
        try {
          text = readFileSync(inputs, 'utf8');
        } catch {
          text = null;
        }
        const bytes = text === null ? inputsFileBytes('', `cannot read inputs file ${inputs}`) : inputsFileBytes(text, inputs);
        await writeFile(file, bytes);
        args.push('--inputs', file);
      }
    }
    if (o.method) args.push('--method', o.method);
    if (o.caseIndex != null) args.push('--case', String(o.caseIndex));
    if (o.rtol != null) args.push('--rtol', String(o.rtol));
    if (o.atol != null) args.push('--atol', String(o.atol));
    if (o.warmup != null) args.push('--warmup', String(o.warmup));
    if (o.iterations != null) args.push('--iterations', String(o.iterations));
    if (o.printOutputs) args.push('--print-outputs');
    const semihosting = ['enable=on', 'target=native', ...args.map((a) => `arg=${qemuValue(a)}`)].join(',');
    const qemuArgs = ['-M', 'mps3-an547', '-display', 'none', '-monitor', 'none', '-serial', 'none', '-nodefaults', '-nic', 'none',
      '-icount', 'shift=0', '-semihosting-config', semihosting, '-kernel', elf];
    const { code, timedOut, stderr } = await new Promise<{ code: number | null; timedOut: boolean; stderr: string }>((resolve, reject) => {
      const child = spawn('qemu-system-arm', qemuArgs, { stdio: ['ignore', 'pipe', 'pipe'], signal: o.signal });
      let err = '';
      let timedOut = false;
      child.stdout.on('data', (d: Buffer) => process.stderr.write(d));
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
      });
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, o.timeoutMs ?? 120_000);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve({ code: c, timedOut, stderr: err });
      });
    });
    // The document is patched as text, not re-serialised: JSON.stringify would round int64
    // values beyond 2^53 that the firmware printed exactly.
    let text: string | null = null;
    let result: Record<string, unknown> | null = null;
    if (existsSync(jsonPath)) {
      text = readFileSync(jsonPath, 'utf8');
      if (text.trim() === '') {
        text = null;
      } else {
        text = text.replace('"path":"firmware"', `"path":${JSON.stringify(programPath)}`);
        if (inputsFile !== null) text = text.replace(`"inputs":${JSON.stringify(inputsFile)}`, `"inputs":${JSON.stringify(inputs)}`);
        result = JSON.parse(text) as Record<string, unknown>;
      }
    }
    // QEMU's AN547 model always creates its Ethernet device; its warning is noise here.
    const cleaned = stderr.replace(/^qemu-system-arm: warning: nic \S+ has no peer\n/m, '');
    return { code, timedOut, result, text, stderr: cleaned, ram: parseRam(cleaned) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
