// The machine reporter: one JSON document on stdout when the run finishes (docs/cli.md):
//
//   { "runs": [ { program, method, device, config, status, exitCode, signal, problem, result } ] }
//
// `result` is etrun's version 1 document (native/runner/result.schema.json) or null.

import type { EtrunStatus } from '../../agent/drivers/host/index.js';
import type { RunnerResult } from '../../native/runner/index.js';
import type { CliIo } from '../io.js';
import type { Job, JobConfig, JobOutcome } from '../run/types.js';
import type { Reporter } from './reporter.js';

export interface JsonRunEntry {
  /** Absolute path of the program file. */
  program: string;
  /** The method that ran (etrun's choice when none was asked for); null if unknown. */
  method: string | null;
  /** Device id, e.g. `host`. */
  device: string;
  config: JobConfig;
  status: EtrunStatus;
  exitCode: number | null;
  signal: string | null;
  problem: string | null;
  result: RunnerResult | null;
}

export interface JsonRunDocument {
  runs: JsonRunEntry[];
}

export class JsonReporter implements Reporter {
  private readonly runs: JsonRunEntry[] = [];

  constructor(private readonly io: Pick<CliIo, 'stdout'>) {}

  onRunStart(): void {}

  onJobStart(): void {}

  onJobResult(job: Job, outcome: JobOutcome): void {
    const { run } = outcome;
    this.runs.push({
      program: job.program,
      method: run.result?.program.method ?? job.method,
      device: job.device.id,
      config: job.config,
      status: run.status,
      exitCode: run.exitCode,
      signal: run.signal,
      problem: run.problem,
      result: run.result,
    });
  }

  onRunFinish(): void {
    const document: JsonRunDocument = { runs: this.runs };
    this.io.stdout(`${JSON.stringify(document, null, 2)}\n`);
  }
}
