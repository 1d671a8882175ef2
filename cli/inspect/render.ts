// The human form of an InspectReport: a heading per part, then aligned tables.

import path from 'node:path';
import type { InspectReport, IoReport, MethodReport, ProgramReport } from './report.js';

const NONE = '—';

/** Columns padded to their widest cell; `right` lists the right-aligned column indices. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], right: readonly number[] = []): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => [...(r[c] ?? '')].length)));
  const line = (r: readonly string[]): string =>
    r
      .map((cell, c) => {
        const pad = ' '.repeat((widths[c] ?? 0) - [...cell].length);
        return right.includes(c) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return all.map((r) => `  ${line(r)}`).join('\n') + '\n';
}

const list = (xs: readonly (number | string)[] | null): string => (xs === null ? NONE : `[${xs.join(', ')}]`);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function ioTable(entries: IoReport[]): string {
  if (entries.length === 0) return '  (none)\n';
  return table(
    ['#', 'value', 'kind', 'dtype', 'shape', 'dim order', 'dynamism', 'placement', 'bytes'],
    entries.map((e) => [
      String(e.index),
      `v${e.value}`,
      e.kind,
      e.dtype ?? NONE,
      list(e.shape),
      list(e.dimOrder),
      e.dynamism ?? NONE,
      e.placement === null ? NONE : e.allocation === null ? e.placement : `${e.placement} (mem ${e.allocation.memoryId} @ ${e.allocation.offset})`,
      e.nbytes === null ? NONE : String(e.nbytes),
    ]),
    [0, 8],
  );
}

function methodSection(m: MethodReport): string {
  let out = `\nmethod ${m.name}: ${plural(m.instructions, 'instruction')}, ${plural(m.values, 'value')}\n`;
  out += ' inputs\n' + ioTable(m.inputs);
  out += ' outputs\n' + ioTable(m.outputs);
  out += ' operators\n';
  out += m.operators.length === 0 ? '  (none)\n' : table(['operator', 'calls'], m.operators.map((o) => [o.name, String(o.count)]), [1]);
  out += ' delegates\n';
  out +=
    m.delegates.length === 0
      ? '  (none)\n'
      : table(
          ['#', 'backend', 'payload', 'bytes', 'compile specs'],
          m.delegates.map((d, i) => [
            String(i),
            d.id,
            `${d.location} ${d.index}`,
            String(d.payloadSize),
            d.compileSpecs.length === 0 ? NONE : d.compileSpecs.map((s) => `${s.key} (${s.size} B)`).join(', '),
          ]),
          [0, 3],
        );
  out += ' planned memory\n';
  out +=
    m.plannedMemory.length === 0
      ? '  (none)\n'
      : table(['mem_id', 'bytes', 'device'], m.plannedMemory.map((b) => [String(b.memoryId), String(b.size), b.device]), [0, 1]);
  return out;
}

function programSection(p: ProgramReport): string {
  let out = '';
  const h = p.header;
  out +=
    h === null
      ? 'no extended header (the file is the flatbuffer; no loadable segments)\n'
      : `extended header: length ${h.headerLength}, program ${h.programSize} B, segments at ${h.segmentBaseOffset} (${h.segmentDataSize} B)\n`;
  out += `\nsegments\n`;
  out +=
    p.segments.length === 0
      ? '  (none)\n'
      : table(
          ['#', 'offset', 'bytes', 'file offset'],
          p.segments.map((s) => [String(s.index), String(s.offset), String(s.size), s.fileOffset === null ? NONE : String(s.fileOffset)]),
          [0, 1, 2, 3],
        );
  const c = p.constants;
  const where = c.storage === 'segment' ? ` in segment ${c.segmentIndex}` : c.storage === 'legacy_buffer' ? ' inline (legacy constant_buffer)' : '';
  out += `constants: ${plural(c.tensors, 'tensor')}, ${c.bytes} B${where}\n`;
  if (p.mutableData.length > 0) {
    out += `mutable data: ${p.mutableData.map((m) => `${plural(m.entries, 'initial value')} in segment ${m.segmentIndex}`).join('; ')}\n`;
  }
  out += 'named data\n';
  out +=
    p.namedData.length === 0
      ? '  (none)\n'
      : table(['key', 'segment', 'bytes'], p.namedData.map((n) => [n.key, String(n.segmentIndex), String(n.size)]), [1, 2]);
  for (const m of p.methods) out += methodSection(m);
  return out;
}

export function renderReport(r: InspectReport): string {
  const what = r.kind === 'bpte' ? 'bundled program' : 'ExecuTorch program';
  let out = `${path.basename(r.file)}: ${what}, ${r.size} bytes, sha256 ${r.sha256}\n`;
  if (r.bundled !== null) {
    out += `bundle version ${r.bundled.version}, embedded program ${r.bundled.programSize} bytes\n`;
    out += '\ntest suites\n';
    out +=
      r.bundled.suites.length === 0
        ? '  (none)\n'
        : table(
            ['method', 'cases', 'inputs of case 0'],
            r.bundled.suites.map((s) => [
              s.method,
              String(s.cases),
              (s.inputShapes[0] ?? []).map((x) => (Array.isArray(x) ? `[${x.join(', ')}]` : x)).join(' ') || NONE,
            ]),
            [1],
          );
    out += `\nembedded program: ${r.program.identifier}, version ${r.program.version}\n`;
  } else {
    out += `${r.program.identifier}, version ${r.program.version}\n`;
  }
  return out + programSection(r.program);
}
