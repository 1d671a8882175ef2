// How `etbench export` reads for people: a few lines per exported model, a table for the suite.

import path from 'node:path';
import { formatBytes } from '../reporters/index.js';
import type { ExportReport, JsonReal } from './exporter.js';
import { describeUnsupported } from './support.js';
import type { SupportCheck } from './support-check.js';

export const NONE = '—';

/** A plain text table: columns padded to their widest cell, two spaces apart. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number> = new Set()): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => [...(r[c] ?? '')].length)));
  const line = (r: readonly string[]): string =>
    header
      .map((_, c) => {
        const cell = r[c] ?? '';
        const pad = ' '.repeat((widths[c] ?? 0) - [...cell].length);
        return rightAligned.has(c) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return `${all.map(line).join('\n')}\n`;
}

/** `digits` significant digits, or the string Python sent for NaN and infinities. */
export function formatNumber(value: JsonReal | null | undefined, digits = 3): string {
  if (value == null) return NONE;
  if (typeof value === 'string') return value;
  if (value === 0) return '0';
  const rounded = Number(value.toPrecision(digits));
  return Math.abs(rounded) >= 1e-3 && Math.abs(rounded) < 1e6 ? String(rounded) : rounded.toExponential();
}

export function variantOf(report: ExportReport): string {
  const r = report.request;
  return r.quantize !== null ? `${r.xnnpack ? 'xnnpack ' : ''}${r.quantize}` : r.xnnpack ? 'xnnpack' : 'portable';
}

/** ExecuTorch's run of the exported program, in a few words. */
export function executorchCell(report: ExportReport): string {
  const et = report.executorch;
  if (et === null) return report.request.verify ? NONE : 'not run';
  if (!et.ran) return `FAILED: ${et.error ?? 'unknown error'}`;
  const worst = et.cases.map((c) => c.max_abs_err);
  return worst.every((w) => w !== null) ? `ok, max err ${formatNumber(Math.max(...(worst as number[])))}` : 'ok, non-finite error';
}

export function driftCell(report: ExportReport): string {
  if (report.drift === null) return NONE;
  return report.drift.outputs.map((o) => `cos ${formatNumber(o.cosine, 6)} max ${formatNumber(o.max_abs_err)}`).join('; ');
}

/** What etrun lacks for a program; `short` counts the operators instead of naming them. */
export function supportCell(check: SupportCheck, short = false): string {
  if (check.missing === null) return `not checked (${check.note ?? 'no etrun'})`;
  const { operators, backends } = check.missing;
  if (!short) {
    const missing = describeUnsupported(check.missing);
    return missing === null ? 'supported' : `lacks ${missing}`;
  }
  const parts = [...(operators.length > 0 ? [`${operators.length} operator${operators.length === 1 ? '' : 's'}`] : []), ...backends];
  return parts.length === 0 ? 'supported' : `lacks ${parts.join(' + ')}`;
}

/** The text summary of one export. */
export function renderExport(report: ExportReport, check: SupportCheck): string {
  const cases = report.format === 'bpte' ? `, ${report.request.cases} test case${report.request.cases === 1 ? '' : 's'}` : '';
  const lines = [
    `exported ${report.name} (${variantOf(report)}) to ${report.out}: ${formatBytes(report.bytes?.file)}${cases}, ${formatNumber(report.seconds['total'])} s`,
  ];
  const row = (label: string, text: string): number => lines.push(`  ${label.padEnd(11)} ${text}`);
  row('inputs', (report.inputs ?? []).map((t) => `${t.dtype}[${t.shape.join(',')}]`).join(' '));
  row('outputs', (report.outputs ?? []).map((t) => `${t.dtype}[${t.shape.join(',')}]`).join(' '));
  row('operators', report.operators === null || report.operators.length === 0 ? 'none' : report.operators.map((o) => `${o.name} x${o.count}`).join(', '));
  row('delegates', report.delegates === null || report.delegates.length === 0 ? 'none' : report.delegates.join(', '));
  row('ExecuTorch', executorchCell(report));
  if (report.tolerances !== null && report.tolerances.length > 0 && report.tolerance_file !== null) {
    const t = report.tolerances[0]!;
    row('tolerance', `rtol ${formatNumber(t.rtol)} atol ${formatNumber(t.atol)} (${path.basename(report.tolerance_file)})`);
  }
  if (report.drift !== null) {
    for (const o of report.drift.outputs) {
      row('int8 drift', `output ${o.output}: max abs err ${formatNumber(o.max_abs_err)} (float outputs up to ${formatNumber(o.float_max_abs)}), cosine ${formatNumber(o.cosine, 6)}, measured on ${report.drift.measured_on}`);
    }
  }
  row(`etrun`, `${supportCell(check)}${check.missing === null ? '' : ` (${check.missing.kernels} kernels)`}`);
  return `${lines.join('\n')}\n`;
}
