// The operator suites on ExecuTorch's own runtime (PyPI executorch in .venv): each case's bundled
// inputs are run by exporter/run_executorch.py (all cases in one Python process) and ExecuTorch's
// outputs are compared with the case's expected outputs, which come from our reference. A case
// where they disagree needs a verdict in program/suite/ops/verdicts.ts.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TensorValue } from '../../native/runner/index.js';
import { bundledExpected, bundledInputs, compareOutputs, runExecuTorch, type EtJob } from '../crosscheck/index.js';

export type JudgeOutcome = 'agrees' | 'disagrees' | 'unsupported' | 'failed';

export interface SuiteJudgement {
  /** The .bpte file name (case stem + .bpte). */
  file: string;
  outcome: JudgeOutcome;
  /** Largest |ExecuTorch - reference| over the outputs; null when nothing was compared. */
  maxAbsDiff: number | string | null;
  /** What ExecuTorch said (error name and message) or how the outputs differ. */
  detail: string;
}

export interface JudgeCase {
  file: string;
  rtol: number;
  atol: number;
}

/**
 * Runs every case on ExecuTorch's runtime and compares with the expected outputs.
 * @throws PythonScriptError when the Python side cannot run at all.
 */
export async function judgeWithExecuTorch(cases: readonly JudgeCase[], python: string, timeoutMs = 600_000): Promise<SuiteJudgement[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'etbench-suite-et-'));
  try {
    const expected: TensorValue[][] = [];
    const jobs: EtJob[] = [];
    for (const [i, c] of cases.entries()) {
      const bytes = new Uint8Array(await readFile(c.file));
      const inputs = path.join(dir, `inputs-${i}.json`);
      await writeFile(inputs, JSON.stringify(bundledInputs(c.file, bytes, 'forward', 0)));
      expected.push(bundledExpected(c.file, bytes, 'forward', 0));
      jobs.push({ program: c.file, method: 'forward', inputs });
    }
    const documents = await runExecuTorch(jobs, { python, timeoutMs });
    return documents.map((doc, i): SuiteJudgement => {
      const c = cases[i]!;
      const file = path.basename(c.file);
      if (doc.error !== null || doc.outputs === null) {
        const detail = doc.error === null ? 'no outputs' : `${doc.error.name}: ${doc.error.message}`;
        return { file, outcome: doc.exit_code === 4 ? 'unsupported' : 'failed', maxAbsDiff: null, detail };
      }
      const { outputs, countsMatch } = compareOutputs(expected[i]!, doc.outputs, { rtol: c.rtol, atol: c.atol });
      const worst = outputs.reduce<number | string>((m, o) => (typeof o.maxAbsDiff === 'number' && typeof m === 'number' ? Math.max(m, o.maxAbsDiff) : o.maxAbsDiff ?? m), 0);
      const bad = outputs.filter((o) => !o.agree);
      const agrees = countsMatch && bad.length === 0;
      const detail = agrees ? '' : !countsMatch ? `${doc.outputs.length} outputs, expected ${expected[i]!.length}`
        : bad.map((o) => `output ${o.output}: ${o.mismatched}/${o.elements} elements differ${o.theirs === null ? '' : ` (ExecuTorch gave ${o.theirs.dtype}[${o.theirs.shape}])`}`).join('; ');
      return { file, outcome: agrees ? 'agrees' : 'disagrees', maxAbsDiff: worst, detail };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
