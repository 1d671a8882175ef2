// The human reporter: a progress line on stderr while jobs run (only on a terminal), then one
// table of all jobs on stdout.

import path from 'node:path';
import type { CliIo } from '../io.js';
import type { Job, JobOutcome, RunPlan, RunSummary } from '../run/types.js';
import { renderTable, tableRow } from './cells.js';
import type { Reporter } from './reporter.js';

const CLEAR_LINE = '\r\x1b[2K';

export class TableReporter implements Reporter {
  private readonly rows: string[][] = [];
  private total = 0;

  constructor(private readonly io: Pick<CliIo, 'stdout' | 'stderr' | 'stderrIsTTY'>) {}

  onRunStart(plan: RunPlan): void {
    this.total = plan.jobs.length;
  }

  onJobStart(job: Job): void {
    if (!this.io.stderrIsTTY) return;
    const method = job.method === null ? '' : ` ${job.method}`;
    this.io.stderr(`${CLEAR_LINE}[${job.index}/${this.total}] ${path.basename(job.program)}${method} on ${job.device.id} ...`);
  }

  onJobResult(job: Job, outcome: JobOutcome): void {
    if (this.io.stderrIsTTY) this.io.stderr(CLEAR_LINE);
    this.rows.push(tableRow(job, outcome));
  }

  onRunFinish(summary: RunSummary): void {
    this.io.stdout(renderTable(this.rows));
    const skipped = ((summary.unsupported ?? 0) > 0 ? `, ${summary.unsupported} unsupported` : '') + (summary.skipped > 0 ? `, ${summary.skipped} not run` : '');
    this.io.stdout(
      `\n${summary.total} job${summary.total === 1 ? '' : 's'}: ${summary.passed} passed, ${summary.failed} failed${skipped} ` +
        `(${(summary.durationMs / 1000).toFixed(1)} s)\n`,
    );
  }
}
