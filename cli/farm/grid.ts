// A plain text grid for the farm's query commands, with the run table's number formats.

export { NONE, formatBytes, formatMs } from '../reporters/cells.js';

export function renderGrid(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => [...(r[c] ?? '')].length)));
  const line = (r: readonly string[]): string => r.map((cell, c) => cell + ' '.repeat((widths[c] ?? 0) - [...cell].length)).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
