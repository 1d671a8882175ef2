// Expected outputs for programs without bundled ones (issue 10, correctness-gated performance):
// the orchestrator runs the portable kernels on its own host with the job's seeded inputs
// (`etrun --kernels portable --inputs random:SEED --print-outputs`), keeps the document as an
// artifact, and each job carries its hash (ProgramRef.expected_sha256) so the agent's runner
// compares its outputs with them (`etrun --expected FILE`, the program's tolerances). A program
// whose bundled cases are used (inputs `bundled`) needs none.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { limitedCommand } from '../agent/drivers/host/limits.js';
import { etrunBuildPath } from '../native/runner/index.js';
import { readBundled } from '../program/index.js';
import type { ProgramRef, RuntimeConfig } from '../proto/index.js';
import type { ArtifactStore } from './artifacts.js';

/** The etrun that computes expected outputs: `ETBENCH_ETRUN`, else this package's release build; null when neither exists. */
export function hostEtrun(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidate = env['ETBENCH_ETRUN'] || etrunBuildPath('release');
  return existsSync(candidate) ? path.resolve(candidate) : null;
}

/** What the runner reads for a job: the methods a .bpte has bundled cases for, or null for a .pte. */
export function bundledCaseMethods(data: Uint8Array): Set<string> | null {
  try {
    const bundled = readBundled(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return new Set(bundled.suites.filter((s) => s.testCases.some((c) => c.expectedOutputs.length > 0)).map((s) => s.methodName));
  } catch {
    return null;
  }
}

/**
 * The inputs the runner will use for a job, as etrun decides them (runner-contract.md: bundled
 * for a .bpte, random:0 otherwise), and whether expected outputs must come from the host: only
 * for seeded random inputs (a file of inputs has no seed to replay; bundled cases carry their own).
 */
export function effectiveInputs(config: RuntimeConfig, bundled: Set<string> | null): { inputs: string; needsHost: boolean } {
  const inputs = config.inputs !== '' ? config.inputs : bundled !== null ? 'bundled' : 'random:0';
  return { inputs, needsHost: /^random:\d+$/.test(inputs) };
}

/** The method etrun runs when none is named: forward, or the only one. */
export function defaultMethod(program: ProgramRef, method: string): string {
  if (method !== '') return method;
  return program.methods.includes('forward') || program.methods.length !== 1 ? 'forward' : program.methods[0]!;
}

export type ExpectedOutcome = { sha256: string } | { reason: string };

/** Computes expected outputs once per (program, method, inputs) and stores them as artifacts. */
export class HostExpectedOutputs {
  private readonly cache = new Map<string, Promise<ExpectedOutcome>>();

  constructor(private readonly artifacts: ArtifactStore, readonly etrun: string, private readonly timeoutMs = 120_000) {}

  /** The artifact of expected outputs, or why there is none (the job then runs unchecked). */
  outputs(programSha256: string, programName: string, method: string, inputs: string): Promise<ExpectedOutcome> {
    const key = JSON.stringify([programSha256, method, inputs]);
    let pending = this.cache.get(key);
    if (pending === undefined) {
      pending = this.compute(programSha256, programName, method, inputs);
      this.cache.set(key, pending);
      // A failure (a timeout on a busy host, say) is not remembered: the next run tries again.
      void pending.then((o) => { if ('reason' in o) this.cache.delete(key); });
    }
    return pending;
  }

  private async compute(programSha256: string, programName: string, method: string, inputs: string): Promise<ExpectedOutcome> {
    const dir = await mkdtemp(path.join(tmpdir(), 'etbench-expected-'));
    try {
      const file = path.join(dir, path.extname(programName).toLowerCase() === '.bpte' ? 'program.bpte' : 'program.pte');
      await writeFile(file, await this.artifacts.read(programSha256));
      const args = [file, '--method', method, '--kernels', 'portable', '--inputs', inputs, '--warmup', '0', '--iterations', '1', '--print-outputs'];
      const { code, stdout, stderr } = await run(this.etrun, args, this.timeoutMs);
      if (code !== 0) return { reason: `the host's portable run of ${programName} exited ${String(code)}: ${stderr.trim().split('\n').at(-1) ?? ''}` };
      const doc = JSON.parse(stdout) as { outputs?: unknown[] | null };
      if (!Array.isArray(doc.outputs)) return { reason: `the host's portable run of ${programName} printed no outputs` };
      // Only the outputs travel: the agent's runner reads the `outputs` key.
      return { sha256: await this.artifacts.put(Buffer.from(JSON.stringify({ program: programSha256, method, inputs, outputs: doc.outputs }))) };
    } catch (e) {
      return { reason: `expected outputs of ${programName}: ${(e as Error).message}` };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** The orchestrator runs programs anyone with the submit scope uploaded: bounded like an agent's job. */
const HOST_LIMITS = { addressSpaceBytes: 4 * 2 ** 30, cpuSeconds: 300, openFiles: 64, coreDumps: false };
/** Past this much printed output the run is stopped: expected outputs are not worth more memory. */
const MAX_STDOUT_BYTES = 256 * 2 ** 20;

function run(binary: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const [file, argv] = limitedCommand(binary, args, HOST_LIMITS);
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    const out: Buffer[] = [];
    let size = 0;
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_STDOUT_BYTES) out.push(c);
      else if (!child.killed) {
        err += `\noutputs larger than ${MAX_STDOUT_BYTES} bytes of JSON: not kept`;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { err = (err + c).slice(-8192); });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: err }));
  });
}

/**
 * Gives each queued job that runs on seeded random inputs the host's expected outputs for its
 * program, method and seed (ProgramRef.expected_sha256 and expected_inputs). `bundledBy` maps
 * a program's sha256 to bundledCaseMethods of its bytes. Jobs whose outputs cannot be computed
 * here (an operator the portable kernels lack, say) keep none and run unchecked.
 */
export async function attachExpectedOutputs(
  jobs: { state: string; program: ProgramRef; method: string; config: RuntimeConfig }[],
  bundledBy: ReadonlyMap<string, Set<string> | null>, host: HostExpectedOutputs,
): Promise<void> {
  for (const job of jobs) {
    if (job.state !== 'queued') continue;
    const { inputs, needsHost } = effectiveInputs(job.config, bundledBy.get(job.program.sha256) ?? null);
    if (!needsHost) continue;
    const outcome = await host.outputs(job.program.sha256, job.program.name, defaultMethod(job.program, job.method), inputs);
    if ('sha256' in outcome) job.program = { ...job.program, expectedSha256: outcome.sha256, expectedInputs: inputs };
  }
}
