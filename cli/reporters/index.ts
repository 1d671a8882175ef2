// Reporters for `etbench run`: `table` for people, `json` for machines, `junit` for CI,
// `markdown` for PR comments.
//
//   import { createReporter } from './cli/reporters/index.js';
//
//   const reporter = createReporter('table', io);
//   reporter.onRunStart(plan);
//   for (const job of plan.jobs) {
//     reporter.onJobStart(job);                  // progress line on a terminal
//     reporter.onJobResult(job, outcome);
//   }
//   reporter.onRunFinish(summary);               // the table (or the JSON document) on stdout
//
// A new reporter implements Reporter and is added to createReporter.

import type { CliIo } from '../io.js';
import type { RunFormat } from '../run/options.js';
import { JsonReporter } from './json.js';
import type { Reporter } from './reporter.js';
import { TableReporter } from './table.js';
import { JunitReporter } from './junit.js';
import { MarkdownReporter } from './markdown.js';

export function createReporter(format: RunFormat, io: CliIo): Reporter {
  switch (format) {
    case 'table':
      return new TableReporter(io);
    case 'json':
      return new JsonReporter(io);
    case 'junit':
      return new JunitReporter(io);
    case 'markdown':
      return new MarkdownReporter(io);
  }
}

export type { Reporter } from './reporter.js';
export { TableReporter } from './table.js';
export { JunitReporter } from './junit.js';
export { MarkdownReporter } from './markdown.js';
export { JsonReporter, type JsonRunDocument, type JsonRunEntry } from './json.js';
export { formatBytes, formatMs, renderTable, tableRow, statusCell, correctnessCell } from './cells.js';
