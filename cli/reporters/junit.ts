// The CI reporter: JUnit XML, one testcase per job (classname = device, name = program and
// method); a job that did not pass is a <failure> with its problem.

import path from 'node:path';
import type { CliIo } from '../io.js';
import type { Job, JobOutcome, RunSummary } from '../run/types.js';
import { statusCell } from './cells.js';
import type { Reporter } from './reporter.js';

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c)
    // Characters XML 1.0 cannot carry at all.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

export class JunitReporter implements Reporter {
  private readonly cases: string[] = [];
  private failures = 0;

  constructor(private readonly io: Pick<CliIo, 'stdout'>) {}

  onRunStart(): void {}

  onJobStart(): void {}

  onJobResult(job: Job, outcome: JobOutcome): void {
    const method = outcome.run.result?.program.method ?? job.method ?? 'default';
    const seconds = (outcome.run.durationMs / 1000).toFixed(3);
    const p50 = outcome.run.result?.latency_ms?.p50;
    const name = `${path.basename(job.program)} ${method} (${job.config.kernels})`;
    let body = p50 == null ? '' : `\n      <system-out>p50_ms=${p50}</system-out>`;
    if (!outcome.passed) {
      this.failures += 1;
      body += `\n      <failure message="${xml(statusCell(outcome))}">${xml(outcome.run.problem ?? outcome.run.status)}</failure>`;
    }
    this.cases.push(`    <testcase classname="${xml(job.device.id)}" name="${xml(name)}" time="${seconds}">${body}${body === '' ? '' : '\n    '}</testcase>`);
  }

  onRunFinish(summary: RunSummary): void {
    this.io.stdout(
      `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="etbench" tests="${this.cases.length}" ` +
        `failures="${this.failures}" skipped="${summary.skipped}" time="${(summary.durationMs / 1000).toFixed(3)}">\n` +
        `${this.cases.join('\n')}\n  </testsuite>\n</testsuites>\n`,
    );
  }
}
