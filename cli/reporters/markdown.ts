// The report reporter: a GitHub-flavoured Markdown table (for PR comments and job summaries).

import type { CliIo } from '../io.js';
import type { Job, JobOutcome, RunSummary } from '../run/types.js';
import { TABLE_HEADER, tableRow } from './cells.js';
import type { Reporter } from './reporter.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export class MarkdownReporter implements Reporter {
  private readonly rows: string[][] = [];

  constructor(private readonly io: Pick<CliIo, 'stdout'>) {}

  onRunStart(): void {}

  onJobStart(): void {}

  onJobResult(job: Job, outcome: JobOutcome): void {
    this.rows.push(tableRow(job, outcome));
  }

  onRunFinish(summary: RunSummary): void {
    const line = (r: readonly string[]): string => `| ${r.map(cell).join(' | ')} |`;
    const align = TABLE_HEADER.map((_, i) => ([4, 5, 6].includes(i) ? '---:' : '---'));
    this.io.stdout(
      [line(TABLE_HEADER), `| ${align.join(' | ')} |`, ...this.rows.map(line)].join('\n') +
        `\n\n${summary.total} jobs: ${summary.passed} passed, ${summary.failed} failed` +
        `${summary.skipped > 0 ? `, ${summary.skipped} not run` : ''} (${(summary.durationMs / 1000).toFixed(1)} s)\n`,
    );
  }
}
