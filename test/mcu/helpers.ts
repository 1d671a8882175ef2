// Shared set-up for the microcontroller tests: whether the toolchain is here
// (never optional under CI=true), and running a program on the emulated
// Cortex-M55 or on the host etrun for comparison.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import test, { type Implementation } from 'ava';
import { ensureFirmware, mcuToolchain, MCU_PACKAGES, runFirmware, type McuRunOptions, type McuRunResult } from '../../native/mcu/index.js';
import { etrunBuildPath, validateRunnerResult, type RunnerResult } from '../../native/runner/index.js';

const tools = mcuToolchain();
const reason = `missing ${tools.missing.join(', ')} (Debian packages: ${MCU_PACKAGES.join(' ')})`;
if (!tools.ok && process.env['CI'] !== 'true') console.log(`test/mcu: skipped: ${reason}`);

/** test.serial when the toolchain is here; a failing test under CI=true; skipped on a laptop without it. */
export function mcuTest(title: string, implementation: Implementation<[]>): void {
  if (tools.ok) test.serial(title, implementation);
  else if (process.env['CI'] === 'true') test.serial(title, (t) => t.fail(`CI=true and ${reason}`));
  else test.serial.skip(title, implementation);
}

export interface McuRun extends McuRunResult {
  doc: RunnerResult | null;
  explain: string;
}

export async function runOnMcu(program: string, options: McuRunOptions = {}): Promise<McuRun> {
  const fw = await ensureFirmware(program);
  const r = await runFirmware(fw.elf, program, { timeoutMs: 110_000, ...options });
  const explain = `exit ${String(r.code)}\nstderr:\n${r.stderr}\njson:\n${JSON.stringify(r.result).slice(0, 2000)}`;
  return { ...r, doc: r.result === null ? null : validateRunnerResult(r.result), explain };
}

/** The host etrun's document for the same program and flags. */
export function runOnHost(program: string, args: string[]): { code: number | null; doc: RunnerResult | null; stdout: string; explain: string } {
  const etrun = etrunBuildPath('release');
  if (!existsSync(etrun)) throw new Error(`${etrun} does not exist: run \`node native/build.mjs etrun\``);
  const run = spawnSync(etrun, [program, '--iterations', '1', '--warmup', '0', ...args], { encoding: 'utf8', timeout: 60_000 });
  const explain = `host exit ${String(run.status)}\nstderr:\n${run.stderr}`;
  return { code: run.status, doc: run.stdout ? validateRunnerResult(JSON.parse(run.stdout)) : null, stdout: run.stdout, explain };
}
