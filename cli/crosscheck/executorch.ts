// ExecuTorch's own runtime as the other side of a cross-check: exporter/run_executorch.py
// --batch in .venv, every job in one Python process.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TensorValue } from '../../native/runner/index.js';
import { PythonScriptError, exporterScript, runPython } from '../export/index.js';

export interface EtJob {
  program: string;
  method?: string | null;
  /** random:SEED or the path of a contract input file. */
  inputs: string;
}

/** What run_executorch.py prints for one job (docs/python.md). */
export interface EtDocument {
  program: string;
  method: string | null;
  outputs: TensorValue[] | null;
  error: null | { name: string; message: string; log: string[] };
  /** The runner contract's code for this outcome: 0 ran, 3 bad program or input, 4 unsupported, 5 failure, 7 resources. */
  exit_code: number;
}

export interface RunExecuTorchOptions {
  python: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number | null;
  signal?: AbortSignal | null;
}

/**
 * Runs every job and returns one document per job, in order.
 * @throws PythonScriptError when the script crashes, times out or prints no documents.
 */
export async function runExecuTorch(jobs: readonly EtJob[], options: RunExecuTorchOptions): Promise<EtDocument[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'etbench-executorch-'));
  try {
    const batch = path.join(dir, 'jobs.json');
    await writeFile(batch, JSON.stringify(jobs.map((j) => ({ program: j.program, inputs: j.inputs, ...(j.method != null ? { method: j.method } : {}) }))));
    const done = await runPython({
      python: options.python,
      args: [exporterScript('run_executorch.py'), '--batch', batch],
      env: options.env,
      timeoutMs: options.timeoutMs ?? null,
      signal: options.signal ?? null,
    });
    const what = 'exporter/run_executorch.py';
    if (done.stoppedBy !== null) throw new PythonScriptError(what, done.stoppedBy === 'TIMEOUT' ? 'timed out and was stopped' : 'was cancelled', done.stderrTail);
    let docs: EtDocument[];
    try {
      docs = JSON.parse(done.stdout) as EtDocument[];
    } catch {
      throw new PythonScriptError(what, `ended (exit ${String(done.code)}, signal ${String(done.signal)}) without its JSON list`, done.stderrTail);
    }
    if (!Array.isArray(docs) || docs.length !== jobs.length) {
      throw new PythonScriptError(what, `printed ${Array.isArray(docs) ? docs.length : 'no'} documents for ${jobs.length} jobs`, done.stderrTail);
    }
    return docs;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
