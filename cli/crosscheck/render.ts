// The cross-check report for people: one row per output (or per check when a side failed),
// then the failures spelled out.

import path from 'node:path';
import { formatNumber, formatTable } from '../export/index.js';
import type { CrosscheckCheck, CrosscheckReport, SideOutcome } from './crosscheck.js';

function sideCell(side: SideOutcome): string {
  if (side.error === null) return 'ok';
  return `${side.exitCode === null ? side.status.toLowerCase() : `exit ${side.exitCode}`} ${side.error.name}`;
}

function rows(check: CrosscheckCheck): string[][] {
  const head = [path.basename(check.program), check.inputs, sideCell(check.etrun), sideCell(check.executorch)];
  if (check.outputs.length === 0) return [[...head, '—', '—', '—', check.agree ? 'agree' : 'FAILED']];
  return check.outputs.map((o) => [
    ...head,
    String(o.output),
    `${o.dtype}[${o.shape.join(',')}]`,
    formatNumber(o.maxAbsDiff),
    o.theirs !== null ? 'DIFFERS (dtype/shape)' : o.identical ? 'identical' : o.agree ? 'within tolerance' : `DIFFERS (${o.mismatched} of ${o.elements})`,
  ]);
}

export function renderCrosscheck(report: CrosscheckReport): string {
  const header = ['program', 'inputs', 'etrun', 'ExecuTorch', 'output', 'tensor', 'max abs diff', 'result'];
  let text = formatTable(header, report.checks.flatMap(rows), new Set([6]));
  const failed = report.checks.filter((c) => !c.agree);
  for (const c of failed) text += `\n${path.basename(c.program)} ${c.inputs}: ${c.problem ?? ''}`;
  const agree = report.checks.length - failed.length;
  const tolerance = report.tolerance.atol === 0 && report.tolerance.rtol === 0 ? 'exact' : `atol ${report.tolerance.atol}, rtol ${report.tolerance.rtol}`;
  text += `${failed.length > 0 ? '\n' : ''}\n${report.checks.length} check${report.checks.length === 1 ? '' : 's'} (${tolerance}, etrun ${report.kernels} kernels): ${agree} agree, ${failed.length} disagree\n`;
  return text;
}
