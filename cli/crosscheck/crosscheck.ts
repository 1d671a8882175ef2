// `etbench crosscheck`: every program x inputs runs on etrun (one process each) and on
// ExecuTorch's Python runtime (one process for all), and the outputs are compared.

import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { locateEtrun, runEtrun, type EtrunInputs, type EtrunRun } from '../../agent/drivers/host/index.js';
import { CancelledError, ExitError } from '../errors.js';
import { locatePython } from '../export/index.js';
import { processIo, type CliIo } from '../io.js';
import { bundledInputs } from './bundled.js';
import { compareOutputs, type OutputComparison } from './compare.js';
import { runExecuTorch, type EtDocument } from './executorch.js';
import { inputsLabel, type CrosscheckInputs, type CrosscheckOptions } from './options.js';
import { renderCrosscheck } from './render.js';

/** One runtime's side of a check. */
export interface SideOutcome {
  /** 0 when it ran; the runner contract's code otherwise; null when killed by a signal. */
  exitCode: number | null;
  /** etrun's status (OK, FAILED, CRASHED, TIMED_OUT ...); ExecuTorch: OK or FAILED. */
  status: string;
  error: { name: string; message: string } | null;
  /** Number of outputs it produced; null when it did not run. */
  outputs: number | null;
}

export interface CrosscheckCheck {
  program: string;
  method: string | null;
  inputs: string;
  etrun: SideOutcome;
  executorch: SideOutcome;
  outputs: OutputComparison[];
  /** Both ran, the same number of outputs, every output within tolerance. */
  agree: boolean;
  /** Every output bit for bit (implies agree). */
  identical: boolean;
  /** Why it does not agree, in one line; null when it does. */
  problem: string | null;
}

export interface CrosscheckReport {
  tolerance: { atol: number; rtol: number };
  kernels: string;
  checks: CrosscheckCheck[];
}

/** Some checks did not agree: exit 1, each listed. */
export class CrosscheckFailedError extends ExitError {
  override name = 'CrosscheckFailedError';

  constructor(report: CrosscheckReport) {
    const bad = report.checks.filter((c) => !c.agree);
    super(1, `${bad.length} of ${report.checks.length} checks disagree: ${bad.map((c) => `${path.basename(c.program)} ${c.inputs}`).join(', ')}`);
  }
}

function etrunSide(run: EtrunRun): SideOutcome {
  const error = run.result?.error ?? null;
  return {
    exitCode: run.exitCode,
    status: run.status,
    error: run.status === 'OK' ? null : { name: error?.name ?? run.status, message: error?.message ?? run.problem ?? '' },
    outputs: run.result?.outputs?.length ?? null,
  };
}

function executorchSide(doc: EtDocument): SideOutcome {
  return {
    exitCode: doc.exit_code,
    status: doc.error === null ? 'OK' : 'FAILED',
    error: doc.error === null ? null : { name: doc.error.name, message: doc.error.message },
    outputs: doc.outputs?.length ?? null,
  };
}

function judge(ours: EtrunRun, theirs: EtDocument, options: CrosscheckOptions): Pick<CrosscheckCheck, 'outputs' | 'agree' | 'identical' | 'problem'> {
  const side = (name: string, e: { name: string; message: string } | null, code: number | null): string =>
    `${name} failed (${code === null ? 'signal' : `exit ${code}`}) ${e?.name ?? ''}: ${e?.message ?? ''}`.trim();
  const failures = [];
  if (ours.status !== 'OK') failures.push(side('etrun', etrunSide(ours).error, ours.exitCode));
  if (theirs.error !== null) failures.push(side('ExecuTorch', theirs.error, theirs.exit_code));
  if (failures.length > 0) return { outputs: [], agree: false, identical: false, problem: failures.join('; ') };
  const { outputs, countsMatch } = compareOutputs(ours.result?.outputs ?? [], theirs.outputs ?? [], options);
  if (!countsMatch) {
    return { outputs, agree: false, identical: false, problem: `etrun gave ${ours.result?.outputs?.length ?? 0} outputs, ExecuTorch ${theirs.outputs?.length ?? 0}` };
  }
  const bad = outputs.filter((o) => !o.agree);
  const problem = bad.length === 0 ? null : bad.map((o) => (o.theirs !== null ? `output ${o.output}: ${o.dtype}[${o.shape.join(',')}] vs ${o.theirs.dtype}[${o.theirs.shape.join(',')}]` : `output ${o.output}: ${o.mismatched} of ${o.elements} elements differ, max abs diff ${String(o.maxAbsDiff)}`)).join('; ');
  return { outputs, agree: bad.length === 0, identical: bad.length === 0 && outputs.every((o) => o.identical), problem };
}

/** The same inputs for both sides: etrun's flag value and run_executorch.py's. */
async function materialize(inputs: CrosscheckInputs, program: string, method: string | null, dir: string, n: number): Promise<{ etrun: EtrunInputs; executorch: string }> {
  switch (inputs.kind) {
    case 'random':
      return { etrun: { random: inputs.seed }, executorch: `random:${inputs.seed}` };
    case 'file':
      return { etrun: { file: inputs.path }, executorch: inputs.path };
    case 'bundled': {
      const tensors = bundledInputs(program, new Uint8Array(await readFile(program)), method, inputs.case);
      const file = path.join(dir, `inputs-${n}.json`);
      await writeFile(file, JSON.stringify(tensors));
      return { etrun: { file }, executorch: file };
    }
  }
}

/**
 * Runs the checks and prints the report (table, or JSON with --json).
 * @throws EtrunNotFoundError / PythonEnvMissingError (exit 1) before running anything.
 * @throws UsageError for bundled inputs a program does not have.
 * @throws CrosscheckFailedError (exit 1) when a check does not agree; the report is printed first.
 */
export async function crosscheck(options: CrosscheckOptions, io: CliIo = processIo()): Promise<CrosscheckReport> {
  const etrunPath = await locateEtrun({ env: io.env });
  const python = await locatePython(io.env);
  const dir = await mkdtemp(path.join(tmpdir(), 'etbench-crosscheck-'));
  try {
    const jobs = [];
    for (const program of options.programs) {
      for (const inputs of options.inputs) {
        jobs.push({ program, label: inputsLabel(inputs), ...(await materialize(inputs, program, options.method, dir, jobs.length)) });
      }
    }
    // ExecuTorch's batch starts first: importing torch takes long enough to run every etrun meanwhile.
    const theirsPromise = runExecuTorch(
      jobs.map((j) => ({ program: j.program, method: options.method, inputs: j.executorch })),
      { python, env: io.env, timeoutMs: options.timeoutS * 1000, signal: io.signal },
    );
    theirsPromise.catch(() => undefined); // awaited below; avoid an unhandled rejection meanwhile
    const ours: EtrunRun[] = [];
    for (const job of jobs) {
      if (io.signal?.aborted === true) break;
      ours.push(
        await runEtrun({
          program: job.program,
          method: options.method,
          kernels: options.kernels,
          inputs: job.etrun,
          printOutputs: true,
          iterations: 1,
          warmup: 0,
          timeoutMs: options.timeoutS * 1000,
          signal: io.signal,
          etrunPath,
          env: io.env,
        }),
      );
    }
    const theirs = await theirsPromise.catch((e: unknown) => {
      if (io.signal?.aborted === true) throw new CancelledError();
      throw e;
    });
    if (io.signal?.aborted === true) throw new CancelledError();

    const report: CrosscheckReport = {
      tolerance: { atol: options.atol, rtol: options.rtol },
      kernels: options.kernels,
      checks: jobs.map((job, i) => {
        const run = ours[i]!;
        const doc = theirs[i]!;
        return {
          program: job.program,
          method: run.result?.program.method ?? doc.method,
          inputs: job.label,
          etrun: etrunSide(run),
          executorch: executorchSide(doc),
          ...judge(run, doc, options),
        };
      }),
    };
    io.stdout(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderCrosscheck(report));
    if (report.checks.some((c) => !c.agree)) throw new CrosscheckFailedError(report);
    return report;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
